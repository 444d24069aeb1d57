#include "harness/llama_tools.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_info.h"

extern char **environ;

static void tools_dir(char *out, size_t cap) {
    const char *env = getenv("RZB_LLAMA_DIR");
    if (env && *env)
        snprintf(out, cap, "%s", env);
    else
        snprintf(out, cap, "%s/datasets/cache/llama.cpp", RZ_SOURCE_DIR);
}

bool rzb_llama_tool(const char *name, char *path, size_t cap, char *why, size_t why_cap) {
    char dir[4096];
    tools_dir(dir, sizeof dir);
    snprintf(path, cap, "%s/bin/%s", dir, name);
    if (access(path, X_OK) == 0) return true;
    snprintf(why, why_cap,
             "llama.cpp's %s is not built (%s missing; scripts/build-llama-cpp builds it)", name,
             path);
    return false;
}

/* The OMP_* variables of this environment, "unset" when there is none. */
static void omp_env(char *out, size_t cap) {
    size_t used = 0;
    out[0] = 0;
    for (char **e = environ; *e && used < cap; e++)
        if (!strncmp(*e, "OMP_", 4) || !strncmp(*e, "GOMP_", 5)) {
            int n = snprintf(out + used, cap - used, "%s%s", used ? " " : "", *e);
            used += n > 0 ? (size_t)n : 0;
        }
    if (!used) snprintf(out, cap, "unset");
}

const char *rzb_llama_build_line(char *buf, size_t cap) {
    char dir[4096], path[4200], omp[256];
    tools_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/build-info.json", dir);
    omp_env(omp, sizeof omp);
    FILE *f = fopen(path, "r");
    char text[16384] = "";
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[n] = 0;
    if (f) fclose(f);
    cJSON *info = cJSON_Parse(text);
    const char *commit = cJSON_GetStringValue(cJSON_GetObjectItem(info, "llama_cpp_commit"));
    const char *flags = cJSON_GetStringValue(cJSON_GetObjectItem(info, "cmake_flags"));
    const char *cc = cJSON_GetStringValue(cJSON_GetObjectItem(info, "compiler"));
    const char *py = cJSON_GetStringValue(cJSON_GetObjectItem(info, "llama_cpp_python"));
    if (info)
        snprintf(
            buf, cap,
            "llama.cpp %s (from the llama-cpp-python %s sdist), built with %s by %s; OpenMP environment: %s",
            commit ? commit : "?", py ? py : "?", flags ? flags : "?", cc ? cc : "?", omp);
    else
        snprintf(buf, cap, "llama.cpp build info unreadable (%s); OpenMP environment: %s", path,
                 omp);
    cJSON_Delete(info);
    return buf;
}

void rzb_llama_note_build(rzb_result *r) {
    char line[1024];
    rzb_result_note(r, "%s", rzb_llama_build_line(line, sizeof line));
}
