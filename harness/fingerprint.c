#include "harness/fingerprint.h"

#include <cjson/cJSON.h>
#include <cpuid.h>
#include <csv.h>
#include <dirent.h>
#include <gsl/gsl_version.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "backends/amx/amx.h"
#include "backends/backend.h"
#include "build_info.h"
#include "harness/counters.h"
#include "harness/llama_tools.h"
#include "harness/subprocess.h"

static void put(rzb_fingerprint *fp, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void put(rzb_fingerprint *fp, const char *key, const char *fmt, ...) {
    if (fp->n == RZB_FP_MAX) return;
    snprintf(fp->key[fp->n], sizeof fp->key[0], "%s", key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fp->value[fp->n], sizeof fp->value[0], fmt, ap);
    va_end(ap);
    fp->n++;
}

static void cpu_model(char *out, size_t cap) {
    snprintf(out, cap, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10)) continue;
        char *v = strchr(line, ':');
        if (!v) break;
        v += 1 + (v[1] == ' ');
        v[strcspn(v, "\n")] = 0;
        snprintf(out, cap, "%s", v);
        break;
    }
    fclose(f);
}

/* CPUID leaf 1 ECX bit 31 is set under a hypervisor; leaf 0x40000000 names it. */
static void hypervisor(char *out, size_t cap) {
    unsigned a, b, c, d;
    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 31))) {
        snprintf(out, cap, "no (bare metal)");
        return;
    }
    char vendor[13] = {0};
    __cpuid(0x40000000, a, b, c, d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &c, 4);
    memcpy(vendor + 8, &d, 4);
    snprintf(out, cap, "yes (hypervisor '%s')", vendor);
}

/* The SIMD features that matter to rz, as /proc/cpuinfo names them. */
static void isa_flags(char *out, size_t cap) {
    static const char *const flags[] = {"sse4_2",      "avx",         "avx2",        "fma",
                                        "f16c",        "avx512f",     "avx512bw",    "avx512vl",
                                        "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_vnni",
                                        "amx_tile",    "amx_int8",    "amx_bf16"};
    char line[8192] = "";
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "flags", 5)) break;
    if (f) fclose(f);
    line[strcspn(line, "\n")] = ' ';
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        char want[32];
        snprintf(want, sizeof want, " %s ", flags[i]);
        if (strstr(line, want) && used < cap)
            used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? " " : "", flags[i]);
    }
}

static void gpus(char *out, size_t cap) {
    DIR *d = opendir("/proc/driver/nvidia/gpus");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d) closedir(d);
    if (n)
        snprintf(out, cap, "%d NVIDIA GPU(s) visible to the driver", n);
    else
        snprintf(out, cap, "none (no NVIDIA driver GPUs under /proc/driver/nvidia)");
}

void rzb_fingerprint_collect(rzb_fingerprint *fp, const rzb_pin *pin) {
    memset(fp, 0, sizeof *fp);
    char buf[512], cpus[64];
    rzb_cpus all;
    rzb_cpus_all(&all);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    put(fp, "date_utc", "%s", buf);
    cpu_model(buf, sizeof buf);
    put(fp, "cpu", "%s", buf);
    isa_flags(buf, sizeof buf);
    put(fp, "isa_available", "%s", buf);
    const char *amx = rz_amx_status_of(rz_backend_active());
    put(fp, "isa_used", "%s (RZ_BACKEND=%s); %s", rz_backend_active()->name,
        getenv("RZ_BACKEND") ? getenv("RZ_BACKEND") : "unset",
        amx ? amx : "AMX int8 tiles: not with this backend");
    put(fp, "cores", "%d cores, %d PUs (hwloc); %ld online", pin->n_cores, pin->n_pus,
        sysconf(_SC_NPROCESSORS_ONLN));
    hypervisor(buf, sizeof buf);
    put(fp, "vm", "%s", buf);
    struct utsname u;
    uname(&u);
    put(fp, "kernel", "%s %s %s", u.sysname, u.release, u.machine);
    put(fp, "compiler", "gcc-compatible %s", __VERSION__);
    put(fp, "build", "%s; flags: %s", RZ_BUILD_TYPE, RZ_BUILD_FLAGS);
    put(fp, "git_commit", "%s%s", RZ_GIT_COMMIT, RZ_GIT_DIRTY ? " (dirty tree)" : "");
    put(fp, "libraries", "hwloc API %s, PAPI %s, GSL %s, cJSON %s, libcsv %d.%d.%d",
        rzb_pin_hwloc_version(), rzb_counters_papi_version(), GSL_VERSION, cJSON_Version(),
        CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
    const char *counters;
    rzb_counters_probe(&counters);
    put(fp, "hw_counters", "%s; fallback: getrusage (faults, context switches)", counters);
    put(fp, "pinning", "measuring thread %s; processes it starts: explicit CPU sets (default %s)",
        pin->detail, rzb_cpus_text(&all, cpus, sizeof cpus));
    put(fp, "llama_cpp", "%s", rzb_llama_build_line(buf, sizeof buf));
    gpus(buf, sizeof buf);
    put(fp, "gpu", "%s", buf);
}

const char *rzb_fingerprint_get(const rzb_fingerprint *fp, const char *key) {
    for (int i = 0; i < fp->n; i++)
        if (!strcmp(fp->key[i], key)) return fp->value[i];
    return "";
}

char *rzb_fingerprint_json(const rzb_fingerprint *fp) {
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; o && i < fp->n; i++)
        cJSON_AddStringToObject(o, fp->key[i], fp->value[i]);
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return text;
}
