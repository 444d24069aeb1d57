#include "tests/support/serve_front.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine/formats/gguf_write.h"
#include "engine/synth/vocab.h"
#include "tests/support/http_client.h"
#include "tests/support/support.h"

enum { VOCAB = 300 };

/* Copies g's metadata (context_length replaced) and tensors into w. */
static int copy_model(const rz_gguf *g, rz_gguf_writer *w, int n_ctx, rz_error *err) {
    for (uint64_t i = 0; i < g->n_kv; i++) {
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)g->kv[i].key.len, g->kv[i].key.data);
        if (strcmp(key, "llama.context_length") &&
            rz_gguf_writer_add_kv(w, key, &g->kv[i].value, err))
            return -1;
    }
    if (rz_gguf_writer_add_u32(w, "llama.context_length", (uint32_t)n_ctx, err) ||
        rz_synth_vocab_add_kv(w, VOCAB, err))
        return -1;
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        const rz_gguf_tensor *x = &g->tensors[i];
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)x->name.len, x->name.data);
        if (rz_gguf_writer_add_tensor(w, name, x->type, x->n_dims, x->dims, x->data, x->size, err))
            return -1;
    }
    return 0;
}

const char *rzt_serve_model(const rzt_llama_shape *shape, int n_ctx) {
    static char path[4096];
    rzt_llama_shape s = *shape;
    s.vocab = VOCAB;
    rzt_llama_tensors t;
    size_t len;
    uint8_t *img = rzt_llama_image(&s, &t, "", &len), *out = NULL;
    rz_gguf g;
    rz_gguf_writer *w = NULL;
    rz_error err;
    path[0] = 0;
    if (!rz_gguf_parse(img, len, "synthetic", &g, &err)) {
        if (!rz_gguf_writer_new(&w, &err) && !copy_model(&g, w, n_ctx, &err) &&
            !rz_gguf_writer_to_memory(w, &out, &len, &err))
            snprintf(path, sizeof path, "%s", rzt_write_temp(out, len, ".gguf"));
        rz_gguf_close(&g);
    }
    if (!path[0]) fprintf(stderr, "rzt_serve_model: %s\n", err.msg);
    free(out);
    if (w) rz_gguf_writer_free(w);
    rzt_llama_tensors_free(&t);
    free(img);
    return path[0] ? path : NULL;
}

int rzt_connect_from(const char *from, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in local = {.sin_family = AF_INET};
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, from, &local.sin_addr);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && (bind(fd, (struct sockaddr *)&local, sizeof local) ||
                    connect(fd, (struct sockaddr *)&to, sizeof to))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int rzt_wait_metric(int port, const char *line, double timeout_s) {
    double t0 = rz_now_s();
    do {
        rzt_http_response r;
        int found = !rzt_http(port, "GET", "/metrics", NULL, &r) && r.body && strstr(r.body, line);
        rzt_http_free(&r);
        if (found) return 0;
        usleep(10000);
    } while (rz_now_s() - t0 < timeout_s);
    return -1;
}
