/* llama.cpp's own tools are found where scripts/build-llama-cpp puts them, and every report line
 * about them names the commit, the flags and the OpenMP environment. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/llama_tools.h"
#include "tests/support/temp.h"

static char dir[] = "/tmp/rzt-llama-XXXXXX";

static void make_tools(void) {
    cr_assert_not_null(rzt_temp_dir(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/bin", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/bin/llama-bench", dir);
    FILE *f = fopen(path, "w");
    fputs("#!/bin/sh\n", f);
    fclose(f);
    chmod(path, 0755);
    snprintf(path, sizeof path, "%s/build-info.json", dir);
    f = fopen(path, "w");
    fputs(
        "{\"llama_cpp_python\": \"0.3.36\", \"llama_cpp_commit\": \"0c1e57098\", \"cmake_flags\": \"-DGGML_NATIVE=ON\", \"compiler\": \"gcc 12\"}",
        f);
    fclose(f);
    setenv("RZB_LLAMA_DIR", dir, 1);
}

Test(llama_tools, found_with_their_build, .init = make_tools) {
    char path[4096], why[512];
    cr_assert(rzb_llama_tool("llama-bench", path, sizeof path, why, sizeof why), "%s", why);
    cr_expect(strstr(path, "/bin/llama-bench") != NULL, "%s", path);
    setenv("OMP_WAIT_POLICY", "active", 1);
    char line[1024];
    rzb_llama_build_line(line, sizeof line);
    cr_expect(strstr(line, "llama.cpp 0c1e57098") != NULL, "%s", line);
    cr_expect(strstr(line, "-DGGML_NATIVE=ON") != NULL, "%s", line);
    cr_expect(strstr(line, "OMP_WAIT_POLICY=active") != NULL, "%s", line);
    rzb_result r;
    memset(&r, 0, sizeof r);
    rzb_llama_note_build(&r);
    cr_expect_eq(r.n_notes, 1);
    cr_expect(strstr(r.notes[0], "0c1e57098") != NULL, "%s", r.notes[0]);
}

Test(llama_tools, a_missing_tool_says_how_to_build_it, .init = make_tools) {
    char path[4096], why[512];
    cr_expect(!rzb_llama_tool("llama-perplexity", path, sizeof path, why, sizeof why));
    cr_expect(strstr(why, "scripts/build-llama-cpp") != NULL, "%s", why);
    unsetenv("OMP_WAIT_POLICY");
    unsetenv("OMP_NUM_THREADS");
    char line[1024];
    rzb_llama_build_line(line, sizeof line);
    cr_expect(strstr(line, "OpenMP environment: unset") != NULL, "%s", line);
}
