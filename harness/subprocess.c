#include "harness/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/timer.h"

extern char **environ;

bool rzb_child_start(char *const argv[], rzb_child *c, char *err, size_t cap) {
    memset(c, 0, sizeof *c);
    int in[2], out[2];
    FILE *errors = tmpfile();
    if (!errors || pipe(in) || pipe(out)) {
        snprintf(err, cap, "cannot create pipes for %s: %s", argv[0], strerror(errno));
        if (errors) fclose(errors);
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fileno(errors), 2);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    int rc = posix_spawnp(&c->pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    if (rc != 0) {
        snprintf(err, cap, "cannot start %s: %s", argv[0], strerror(rc));
        close(in[1]);
        close(out[0]);
        fclose(errors);
        return false;
    }
    c->to = fdopen(in[1], "w");
    c->from = fdopen(out[0], "r");
    c->errors = errors;
    return true;
}

const char *rzb_child_read(rzb_child *c) {
    ssize_t n = getline(&c->line, &c->line_cap, c->from);
    if (n <= 0) return NULL;
    if (c->line[n - 1] == '\n') c->line[n - 1] = 0;
    return c->line;
}

const char *rzb_child_ask(rzb_child *c, const char *request) {
    if (fprintf(c->to, "%s\n", request) < 0 || fflush(c->to) != 0) return NULL;
    return rzb_child_read(c);
}

int rzb_child_finish(rzb_child *c, char *stderr_tail, size_t cap) {
    if (c->to) fclose(c->to);
    if (c->from) fclose(c->from);
    int status = 0;
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
        continue;
    if (stderr_tail && cap) {
        stderr_tail[0] = 0;
        long end = (fseek(c->errors, 0, SEEK_END), ftell(c->errors));
        long from = end > (long)cap - 1 ? end - (long)cap + 1 : 0;
        fseek(c->errors, from, SEEK_SET);
        size_t n = fread(stderr_tail, 1, cap - 1, c->errors);
        stderr_tail[n] = 0;
        for (size_t i = n; i > 0 && (stderr_tail[i - 1] == '\n'); i--)
            stderr_tail[i - 1] = 0;
    }
    fclose(c->errors);
    free(c->line);
    memset(c, 0, sizeof *c);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int rzb_time_process(char *const argv[], uint64_t *ns, char *out, size_t cap) {
    int p[2];
    if (pipe(p)) return -2;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    pid_t pid;
    uint64_t t0 = rzb_now_ns();
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        return -2;
    }
    size_t used = 0;
    ssize_t n;
    char sink[4096];
    while ((n = read(p[0], used + 1 < cap ? out + used : sink,
                     used + 1 < cap ? cap - 1 - used : sizeof sink)) > 0 ||
           (n < 0 && errno == EINTR))
        if (n > 0 && used + 1 < cap) used += (size_t)n;
    close(p[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    *ns = rzb_now_ns() - t0;
    if (cap) out[used] = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int rzb_run_logged(char *const argv[], const char *log_path) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -2;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
