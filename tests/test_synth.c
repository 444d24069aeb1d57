/* rz synth: smollm2-135m Q8_0 has SmolLM2-135M's exact tensor list, shapes, metadata and a
 * 49152-token vocabulary; the `gguf` Python package (when importable) reads the same list; and
 * llama.cpp (llama-cpp-python, when importable) loads it; rz_synth_write itself on the tiny-2l
 * preset: its statistics, metadata, norms of 1 and the same bytes for any thread count. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/core/file.h"
#include "engine/formats/gguf.h"
#include "engine/quantize/plan.h"
#include "engine/synth/synth.h"
#include "engine/types/types.h"
#include "tests/support/support.h"

static char out[8192], errbuf[8192];

static const char *synth_smollm(void) {
    static char path[64];
    snprintf(path, sizeof path, "/tmp/rzt-synth-%d.gguf", (int)getpid());
    char *argv[] = {(char *)rzt_bin("rz"),
                    "synth",
                    "--like",
                    "smollm2-135m",
                    "--type",
                    "Q8_0",
                    "-o",
                    path,
                    "--seed",
                    "7",
                    NULL};
    cr_assert_eq(rzt_run(argv, out, sizeof out, errbuf, sizeof errbuf), 0, "%s", errbuf);
    return path;
}

/* Runs python3 -c CODE with the path as argv[1]; 77 from the script means "skip". */
static int python(const char *code, const char *path) {
    char *argv[] = {"/usr/bin/env", "python3", "-c", (char *)code, (char *)path, NULL};
    return rzt_run(argv, out, sizeof out, errbuf, sizeof errbuf);
}

Test(synth, smollm2_q8_0_shapes_and_metadata, .timeout = 300) {
    const char *path = synth_smollm();
    rz_gguf g;
    rz_error err;
    cr_assert_eq(rz_gguf_open(path, &g, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(g.n_tensors, 1 + 30 * 9 + 1, "tied: no output.weight");
    cr_expect_null(rz_gguf_find_tensor(&g, "output.weight"));
    const rz_gguf_tensor *emb = rz_gguf_find_tensor(&g, "token_embd.weight");
    cr_assert_not_null(emb);
    cr_expect_eq(emb->dims[0], 576);
    cr_expect_eq(emb->dims[1], 49152);
    cr_expect_eq(emb->type, RZ_TYPE_Q8_0);
    const rz_gguf_tensor *k = rz_gguf_find_tensor(&g, "blk.29.attn_k.weight");
    cr_assert_not_null(k);
    cr_expect_eq(k->dims[1], 192, "3 kv heads of 64");
    cr_expect_eq(rz_gguf_find_tensor(&g, "blk.0.ffn_down.weight")->dims[0], 1536);
    cr_expect_eq(rz_gguf_find_tensor(&g, "blk.0.attn_norm.weight")->type, RZ_TYPE_F32);
    static const struct {
        const char *key;
        uint64_t value;
    } u[] = {{"llama.embedding_length", 576},
             {"llama.block_count", 30},
             {"llama.attention.head_count", 9},
             {"llama.attention.head_count_kv", 3},
             {"llama.feed_forward_length", 1536},
             {"llama.context_length", 8192},
             {"general.file_type", 7},
             {"tokenizer.ggml.bos_token_id", 1}};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        uint64_t v = 0;
        cr_expect(rz_gguf_get_u64(&g, u[i].key, &v) && v == u[i].value, "%s = %llu", u[i].key,
                  (unsigned long long)v);
    }
    double theta = 0;
    cr_expect(rz_gguf_get_f64(&g, "llama.rope.freq_base", &theta) && theta == 100000.0);
    bool synthetic = false;
    cr_expect(rz_gguf_get_bool(&g, "rz.synthetic", &synthetic) && synthetic);
    rz_gguf_str name;
    cr_expect(rz_gguf_get_str(&g, "general.name", &name) &&
              rz_gguf_str_eq(name, "SmolLM2-135M (synthetic weights)"));
    const rz_gguf_kv *tokens = rz_gguf_find(&g, "tokenizer.ggml.tokens");
    cr_assert_not_null(tokens);
    cr_expect_eq(tokens->value.arr.n, 49152);
    cr_expect(rz_gguf_str_eq(tokens->value.arr.items[3].s, "<0x00>"));
    rz_gguf_close(&g);

    int rc = python(
        "import sys\n"
        "try:\n import gguf\nexcept ImportError:\n sys.exit(77)\n"
        "r = gguf.GGUFReader(sys.argv[1])\n"
        "names = [t.name for t in r.tensors]\n"
        "want = ['token_embd.weight']\n"
        "for i in range(30):\n"
        " want += ['blk.%d.%s.weight' % (i, n) for n in ('attn_norm', 'attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_norm', 'ffn_gate', 'ffn_down', 'ffn_up')]\n"
        "want += ['output_norm.weight']\n"
        "assert names == want, names[:5]\n"
        "t = {t.name: t for t in r.tensors}\n"
        "assert [int(x) for x in t['blk.7.ffn_gate.weight'].shape] == [576, 1536]\n"
        "assert t['blk.7.ffn_gate.weight'].tensor_type.name == 'Q8_0'\n"
        "print('ok')\n",
        path);
    if (rc == 77) {
        remove(path);
        cr_skip_test("python3 module gguf not importable");
    }
    cr_expect_eq(rc, 0, "gguf reader: %s %s", out, errbuf);
    remove(path);
}

Test(synth, llama_cpp_loads_it, .timeout = 300) {
    const char *path = synth_smollm();
    int rc = python("import sys\n"
                    "try:\n import llama_cpp\nexcept ImportError:\n sys.exit(77)\n"
                    "m = llama_cpp.Llama(sys.argv[1], n_ctx=64, verbose=False)\n"
                    "assert m.n_vocab() == 49152, m.n_vocab()\n"
                    "m.eval([1, 300, 301])\n"
                    "print('ok')\n",
                    path);
    remove(path);
    if (rc == 77) cr_skip_test("python3 module llama_cpp not importable");
    cr_expect_eq(rc, 0, "llama.cpp: %s %s", out, errbuf);
}

Test(synth, usage_errors) {
    char *no_args[] = {(char *)rzt_bin("rz"), "synth", NULL};
    cr_expect_eq(rzt_run(no_args, out, sizeof out, errbuf, sizeof errbuf), 2);
    char *bad[] = {(char *)rzt_bin("rz"), "synth", "--like", "gpt-5", "--type", "Q8_0", "-o",
                   "/tmp/x.gguf",         NULL};
    cr_expect_eq(rzt_run(bad, out, sizeof out, errbuf, sizeof errbuf), 2);
    cr_expect(strstr(errbuf, "tinyllama-1.1b") != NULL, "%s", errbuf);
    char *help[] = {(char *)rzt_bin("rz"), "synth", "--help", NULL};
    cr_expect_eq(rzt_run(help, out, sizeof out, errbuf, sizeof errbuf), 0);
    cr_expect(strstr(out, "usage: rz synth") != NULL);
    char *unwritable[] = {
        (char *)rzt_bin("rz"),     "synth", "--like", "smollm2-135m", "--type", "F16", "-o",
        "/nonexistent/dir/x.gguf", NULL};
    cr_expect_eq(rzt_run(unwritable, out, sizeof out, errbuf, sizeof errbuf), 1);
    cr_expect(strstr(errbuf, "/nonexistent/dir/x.gguf") != NULL, "%s", errbuf);
}

/* Writes tiny-2l in Q8_0 with seed 7 on n_threads threads to a path named by tag. */
static const char *synth_tiny(const char *tag, int n_threads, rz_synth_stats *stats) {
    static char path[2][64];
    char *p = path[n_threads > 1];
    snprintf(p, sizeof path[0], "/tmp/rzt-synth-%s-%d.gguf", tag, (int)getpid());
    rz_synth_options o = {.preset = rz_synth_preset_find("tiny-2l"),
                          .spec = rz_quant_spec_find("Q8_0"),
                          .seed = 7,
                          .n_threads = n_threads};
    cr_assert_not_null(o.preset);
    rz_error err;
    cr_assert_eq(rz_synth_write(p, &o, stats, &err), RZ_OK, "%s", err.msg);
    return p;
}

Test(synth, write_tiny_2l) {
    rz_synth_stats st1, st3;
    const char *one = synth_tiny("a", 1, &st1), *three = synth_tiny("b", 3, &st3);
    cr_expect_eq(st1.n_tensors, 1 + 2 * 9 + 2, "untied: output.weight");
    cr_expect_eq(st1.n_params, 131072 + 2 * 590336 + 256 + 131072);
    cr_expect_eq(st1.bytes, st3.bytes);
    unsigned char *a, *b;
    size_t na, nb;
    rz_error err;
    cr_assert_eq(rz_file_read_all(one, &a, &na, &err), RZ_OK);
    cr_assert_eq(rz_file_read_all(three, &b, &nb, &err), RZ_OK);
    cr_expect(na == nb && !memcmp(a, b, na), "the same bytes for 1 and 3 threads");
    free(a);
    free(b);
    rz_gguf g;
    cr_assert_eq(rz_gguf_open(one, &g, &err), RZ_OK, "%s", err.msg);
    bool synthetic = false;
    cr_expect(rz_gguf_get_bool(&g, "rz.synthetic", &synthetic) && synthetic);
    uint64_t v = 0;
    cr_expect(rz_gguf_get_u64(&g, "general.file_type", &v) && v == RZ_FTYPE_MOSTLY_Q8_0);
    cr_expect(rz_gguf_get_u64(&g, "llama.embedding_length", &v) && v == 256);
    const rz_gguf_tensor *norm = rz_gguf_find_tensor(&g, "blk.1.ffn_norm.weight");
    cr_assert_not_null(norm);
    cr_expect_eq(norm->type, RZ_TYPE_F32);
    for (int i = 0; i < 256; i++)
        cr_expect_eq(((const float *)norm->data)[i], 1.0f);
    cr_expect_eq(rz_gguf_find_tensor(&g, "blk.0.attn_q.weight")->type, RZ_TYPE_Q8_0);
    rz_gguf_close(&g);
    remove(one);
    remove(three);
    rz_synth_options o = {.preset = rz_synth_preset_find("tiny-2l"),
                          .spec = rz_quant_spec_find("Q8_0"),
                          .n_threads = 1};
    cr_expect_eq(rz_synth_write("/nonexistent/dir/x.gguf", &o, &st1, &err), RZ_EIO);
    cr_expect(strstr(err.msg, "/nonexistent/dir/x.gguf") && strstr(err.msg, "cannot create"), "%s",
              err.msg);
}
