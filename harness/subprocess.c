#include "harness/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/timer.h"

#define GNU_TIME "/usr/bin/time"

extern char **environ;

static cpu_set_t start_cpus;

__attribute__((constructor)) static void remember_start_cpus(void) {
    if (sched_getaffinity(0, sizeof start_cpus, &start_cpus) != 0) {
        CPU_ZERO(&start_cpus);
        for (long i = 0, n = sysconf(_SC_NPROCESSORS_ONLN); i < n && i < CPU_SETSIZE; i++)
            CPU_SET((int)i, &start_cpus);
    }
}

void rzb_cpus_all(rzb_cpus *c) {
    c->mask = start_cpus;
}

void rzb_cpus_one(rzb_cpus *c, int cpu) {
    CPU_ZERO(&c->mask);
    CPU_SET(cpu, &c->mask);
}

const char *rzb_cpus_text(const rzb_cpus *c, char *buf, size_t cap) {
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < CPU_SETSIZE && used < cap; i++) {
        if (!CPU_ISSET(i, &c->mask) || (i > 0 && CPU_ISSET(i - 1, &c->mask))) continue;
        int j = i;
        while (j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, &c->mask))
            j++;
        int n = j > i ? snprintf(buf + used, cap - used, "%s%d-%d", used ? "," : "", i, j)
                      : snprintf(buf + used, cap - used, "%s%d", used ? "," : "", i);
        used += n > 0 ? (size_t)n : 0;
    }
    return buf;
}

bool rzb_cpus_of_pid(pid_t pid, char *list, size_t cap) {
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        if (!strncmp(line, "Cpus_allowed_list:", 18)) {
            const char *v = line + 18;
            v += strspn(v, " \t");
            snprintf(list, cap, "%.*s", (int)strcspn(v, "\n"), v);
            found = true;
        }
    if (f) fclose(f);
    return found;
}

/* posix_spawnp with the child on `cpus`: the child inherits the calling thread's mask at fork,
 * so the thread takes that mask for the spawn and gets its own pin back right after. */
static int spawn_on(pid_t *pid, char *const argv[], const posix_spawn_file_actions_t *fa,
                    const rzb_cpus *cpus) {
    rzb_cpus all;
    if (!cpus) {
        rzb_cpus_all(&all);
        cpus = &all;
    }
    cpu_set_t own;
    bool saved = sched_getaffinity(0, sizeof own, &own) == 0;
    sched_setaffinity(0, sizeof cpus->mask, &cpus->mask);
    int rc = posix_spawnp(pid, argv[0], fa, NULL, argv, environ);
    if (saved) sched_setaffinity(0, sizeof own, &own);
    return rc;
}

bool rzb_child_start(char *const argv[], const rzb_cpus *cpus, rzb_child *c, char *err,
                     size_t cap) {
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
    int rc = spawn_on(&c->pid, argv, &fa, cpus);
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
    if (!rzb_cpus_of_pid(c->pid, c->cpus, sizeof c->cpus)) snprintf(c->cpus, sizeof c->cpus, "?");
    c->to = fdopen(in[1], "w");
    if (c->to) setvbuf(c->to, NULL, _IONBF, 0); /* nothing left behind a failed send for fclose */
    c->from = fdopen(out[0], "r");
    c->errors = errors;
    return true;
}

bool rzb_child_start_rss(char *const argv[], const rzb_cpus *cpus, rzb_child *c, char *err,
                         size_t cap) {
    enum { MAX_ARGS = 64 };
    char path[sizeof c->rss_path] = "/tmp/rzb-rss-XXXXXX";
    int fd = access(GNU_TIME, X_OK) == 0 ? mkstemp(path) : -1;
    size_t n = 0;
    while (argv[n])
        n++;
    if (fd < 0 || n + 7 > MAX_ARGS) return rzb_child_start(argv, cpus, c, err, cap);
    close(fd);
    char *wrapped[MAX_ARGS] = {GNU_TIME, "-q", "-f", "%M", "-o", path};
    memcpy(wrapped + 6, argv, (n + 1) * sizeof *argv);
    if (!rzb_child_start(wrapped, cpus, c, err, cap)) {
        unlink(path);
        return false;
    }
    snprintf(c->rss_path, sizeof c->rss_path, "%s", path);
    return true;
}

const char *rzb_child_read(rzb_child *c) {
    ssize_t n = getline(&c->line, &c->line_cap, c->from);
    if (n <= 0) return NULL;
    if (c->line[n - 1] == '\n') c->line[n - 1] = 0;
    return c->line;
}

char *rzb_child_read_all(rzb_child *c) {
    size_t used = 0, cap = 1 << 16, n;
    char *buf = malloc(cap);
    while (buf && (n = fread(buf + used, 1, cap - 1 - used, c->from)) > 0) {
        used += n;
        if (used + 1 < cap) continue;
        char *grown = realloc(buf, cap *= 2);
        if (!grown) free(buf);
        buf = grown;
    }
    if (buf) buf[used] = 0;
    return buf;
}

bool rzb_child_send(rzb_child *c, const char *text) {
    sigset_t pipe_only, before;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &before);
    bool sent = fputs(text, c->to) >= 0 && fflush(c->to) == 0;
    int write_errno = errno;
    if (!sent && write_errno == EPIPE && !sigismember(&before, SIGPIPE)) {
        const struct timespec now = {0, 0};
        sigtimedwait(&pipe_only, NULL, &now); /* the SIGPIPE this write raised, if it is pending */
    }
    pthread_sigmask(SIG_SETMASK, &before, NULL);
    errno = write_errno;
    return sent;
}

const char *rzb_child_ask(rzb_child *c, const char *request) {
    if (!rzb_child_send(c, request) || !rzb_child_send(c, "\n")) return NULL;
    return rzb_child_read(c);
}

/* The KiB GNU time wrote to path (removed after); -1 when there is none. */
static long read_peak(const char *path) {
    if (!path[0]) return -1;
    long kib = -1;
    FILE *f = fopen(path, "r");
    if (f && fscanf(f, "%ld", &kib) != 1) kib = -1;
    if (f) fclose(f);
    unlink(path);
    return kib;
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
    const long peak = read_peak(c->rss_path);
    memset(c, 0, sizeof *c);
    c->peak_rss_kib = peak;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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
    uint64_t t0 = rz_now_ns();
    int rc = spawn_on(&pid, argv, &fa, NULL);
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
    *ns = rz_now_ns() - t0;
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
    int rc = spawn_on(&pid, argv, &fa, NULL);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -2;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The ISA extensions in `wanted` that /proc/cpuinfo's flags do not list, space-separated. */
static void missing_flags(char *out, size_t cap) {
    static const char *const wanted[] = {"avx2",        "fma",      "f16c",
                                         "avx512f",     "avx512bw", "avx512_vnni",
                                         "avx512_bf16", "amx_tile", "amx_int8"};
    char line[8192] = "";
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f) && strncmp(line, "flags", 5))
        continue;
    if (f) fclose(f);
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        char word[32];
        snprintf(word, sizeof word, " %s", wanted[i]);
        const char *hit = strstr(line, word);
        size_t len = strlen(word);
        if (hit && (hit[len] == ' ' || hit[len] == '\n' || !hit[len])) continue;
        int n = snprintf(out + used, cap - used, "%s%s", used ? " " : "", wanted[i]);
        used += n > 0 && (size_t)n < cap - used ? (size_t)n : 0;
    }
}

const char *rzb_signal_reason(int status, char *buf, size_t cap) {
    int sig = status - 128;
    if (sig != SIGILL) {
        snprintf(buf, cap, "died with signal %d (%s)", sig, strsignal(sig));
        return buf;
    }
    char missing[256];
    missing_flags(missing, sizeof missing);
    snprintf(
        buf, cap,
        "died with SIGILL (illegal instruction): it was built for an instruction set this CPU lacks (this CPU has none of: %s), or its compiler emitted a broken instruction sequence (GCC 12 with ggml's AMX code); rebuild it natively: scripts/build-llama-cpp",
        missing[0] ? missing : "-");
    return buf;
}
