/* The measuring side of the harness called directly: instruction counts (PAPI where the PMU
 * counts, callgrind's output files read back), hardware counters with their getrusage fallback,
 * pinning and the machine fingerprint. Where the hardware decides (a VM without a PMU), the test
 * checks the words given instead of the counts. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness/counters.h"
#include "harness/fingerprint.h"
#include "harness/instructions.h"
#include "harness/pin.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

/* A loop the compiler keeps: a dependency chain through a volatile. */
static void busy(int n) {
    volatile double x = 1;
    for (int i = 0; i < n; i++)
        x = x * 0.999999 + 1e-9;
}

Test(instructions, papi_counts_this_thread_or_says_why_not) {
    rzb_instr_papi p;
    if (!rzb_instr_papi_find(&p)) {
        cr_expect(p.why[0] != 0, "a reason is given");
        cr_skip_test("PAPI cannot count here: %s", p.why);
    }
    cr_expect(!strcmp(p.event, "PAPI_TOT_INS") || !strcmp(p.event, "perf::INSTRUCTIONS"), "%s",
              p.event);
    cr_expect(strstr(p.why, p.event) != NULL, "%s", p.why);
    rzb_instr_region r;
    char why[384];
    cr_assert(rzb_instr_papi_start(&p, 0, &r, why, sizeof why), "%s", why);
    busy(100000);
    long long count = 0;
    cr_assert(rzb_instr_papi_stop(&r, &count, why, sizeof why), "%s", why);
    cr_expect(count > 100000, "at least one instruction per iteration: %lld", count);
}

Test(instructions, papi_regions_of_a_process_that_is_gone) {
    rzb_instr_papi p = {0};
    rzb_instr_region r = {0};
    char why[384];
    cr_expect_not(rzb_instr_papi_start(&p, 999999999, &r, why, sizeof why));
    cr_expect_str_eq(why, "cannot list the threads of process 999999999 in /proc");
    long long count = -1;
    cr_expect(rzb_instr_papi_stop(&r, &count, why, sizeof why), "an empty region stops cleanly");
    cr_expect_eq(count, 0);
}

Test(instructions, callgrind_requests_are_no_ops_outside_valgrind) {
    cr_expect_not(rzb_instr_under_valgrind(), "the tests run natively");
    rzb_instr_callgrind_start();
    busy(1000);
    rzb_instr_callgrind_stop();
    cr_expect_not(rzb_instr_under_valgrind());
}

Test(instructions, valgrind_version_or_not_installed) {
    char v[128];
    if (rzb_instr_valgrind_version(v, sizeof v))
        cr_expect(!strncmp(v, "valgrind-", 9) && !strchr(v, '\n'), "%s", v);
    else
        cr_expect_str_eq(v, "valgrind is not installed (not found on PATH)");
    char empty[] = "/tmp/rzt-empty-path-XXXXXX";
    cr_assert_not_null(rzt_temp_dir(empty));
    setenv("PATH", empty, 1);
    cr_expect_not(rzb_instr_valgrind_version(v, sizeof v));
    cr_expect_str_eq(v, "valgrind is not installed (not found on PATH)");
}

Test(instructions, callgrind_files_in_tmpdir) {
    char dir[] = "/tmp/rzt-callgrind-XXXXXX", path[256], why[512];
    cr_assert_not_null(rzt_temp_dir(dir));
    setenv("TMPDIR", dir, 1);
    cr_assert(rzb_instr_callgrind_file(path, sizeof path, why, sizeof why), "%s", why);
    char want[128];
    snprintf(want, sizeof want, "%s/rzb-callgrind-", dir);
    cr_expect(!strncmp(path, want, strlen(want)), "%s", path);
    cr_expect_eq(access(path, R_OK | W_OK), 0, "the file exists");
    setenv("TMPDIR", "/nonexistent/rzt", 1);
    cr_expect_not(rzb_instr_callgrind_file(path, sizeof path, why, sizeof why));
    cr_expect(strstr(why, "cannot create a temporary file /nonexistent/rzt/rzb-callgrind-") == why,
              "%s", why);
    cr_expect(strstr(why, ": No such file or directory") != NULL, "%s", why);
}

/* The total Ir read from a file holding `text`, or -1 when it is refused (why says why). */
static double total_of(const char *text, char *why, size_t cap) {
    const char *path = rzt_write_temp(text, strlen(text), ".callgrind");
    double ir = -1;
    bool ok = rzb_instr_callgrind_total(path, &ir, why, cap);
    remove(path);
    return ok ? ir : -1;
}

Test(instructions, callgrind_totals_then_summary) {
    char why[512];
    cr_expect_eq(total_of("events: Ir\nsummary: 123\ntotals: 456\n", why, sizeof why), 456);
    cr_expect_eq(total_of("events: Ir\nfn=main\n1 7\nsummary: 123\n", why, sizeof why), 123);
    cr_expect_eq(total_of("events: Ir\nfn=main\n1 7\n", why, sizeof why), -1);
    cr_expect(strstr(why, "has no \"totals:\" or \"summary:\" line") != NULL, "%s", why);
    double ir;
    cr_expect_not(rzb_instr_callgrind_total("/nonexistent/cg.out", &ir, why, sizeof why));
    cr_expect_str_eq(why, "cannot read callgrind's output /nonexistent/cg.out");
}

Test(counters, probe_says_available_or_why_not) {
    const char *status = NULL;
    bool hw = rzb_counters_probe(&status);
    cr_assert_not_null(status);
    cr_expect(!strncmp(status, hw ? "available: PAPI " : "unavailable: ", hw ? 16 : 13), "%s",
              status);
    unsigned a, b, c, d;
    cr_expect_eq(sscanf(rzb_counters_papi_version(), "%u.%u.%u.%u", &a, &b, &c, &d), 4, "%s",
                 rzb_counters_papi_version());
}

Test(counters, a_region_records_the_faults_it_caused) {
    enum { BYTES = 8 << 20 };
    rzb_counters c;
    rzb_counters_start(&c);
    char *fresh = mmap(NULL, BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(fresh, MAP_FAILED);
    memset(fresh, 1, BYTES);
    rzb_counters_stop(&c);
    munmap(fresh, BYTES);
    cr_expect_gt(c.minor_faults, 0, "touching fresh pages faults them in");
    cr_expect(c.major_faults >= 0 && c.voluntary_switches >= 0);
    cr_expect_eq(c.hw, rzb_counters_probe(NULL) && c.n_events > 0);
}

Test(counters, add_sums_counts_and_keeps_the_events) {
    rzb_counters total = {.value = {1, 2}, .minor_faults = 10, .voluntary_switches = 1};
    rzb_counters one = {.hw = true, .n_events = 2, .value = {5, 7}, .minor_faults = 3};
    strcpy(one.event[0], "PAPI_TOT_INS");
    strcpy(one.event[1], "PAPI_TOT_CYC");
    rzb_counters_add(&total, &one);
    cr_expect(total.hw && total.n_events == 2);
    cr_expect_str_eq(total.event[1], "PAPI_TOT_CYC");
    cr_expect(total.value[0] == 6 && total.value[1] == 9);
    cr_expect(total.minor_faults == 13 && total.voluntary_switches == 1);
}

Test(pin, binds_to_one_pu_of_the_last_core_and_says_so) {
    rzb_pin p;
    rzb_pin_init(&p, -1);
    cr_assert(p.n_cores >= 1 && p.n_pus >= p.n_cores, "%d cores, %d PUs: %s", p.n_cores, p.n_pus,
              p.detail);
    cr_expect(p.pu >= 0, "%s", p.detail);
    if (p.enforced) {
        cr_expect_eq(p.observed_pu, p.pu);
        char want[64];
        snprintf(want, sizeof want, "pinned to core %d (PU %d)", p.n_cores - 1, p.pu);
        cr_expect(strstr(p.detail, want) == p.detail, "%s", p.detail);
    }
    rzb_pin_fini(&p);
    cr_expect(p.topology == NULL && p.cpuset == NULL, "fini releases the topology");
    unsigned a, b, c;
    cr_expect_eq(sscanf(rzb_pin_hwloc_version(), "%u.%u.%u", &a, &b, &c), 3, "%s",
                 rzb_pin_hwloc_version());
    cr_expect_geq(a, 2);
}

Test(fingerprint, collected_pairs_read_back_and_as_json) {
    rzb_pin pin;
    rzb_pin_init(&pin, -1);
    rzb_fingerprint fp;
    rzb_fingerprint_collect(&fp, &pin);
    char cores[64];
    snprintf(cores, sizeof cores, "%d cores, %d PUs (hwloc)", pin.n_cores, pin.n_pus);
    cr_expect(strstr(rzb_fingerprint_get(&fp, "cores"), cores) != NULL, "%s",
              rzb_fingerprint_get(&fp, "cores"));
    cr_expect(strstr(rzb_fingerprint_get(&fp, "libraries"), rzb_pin_hwloc_version()) != NULL);
    cr_expect_eq(strlen(rzb_fingerprint_get(&fp, "date_utc")), 20, "%s",
                 rzb_fingerprint_get(&fp, "date_utc"));
    cr_expect_str_eq(rzb_fingerprint_get(&fp, "no such key"), "");
    char *text = rzb_fingerprint_json(&fp);
    cJSON *o = cJSON_Parse(text);
    cr_assert_not_null(o, "%s", text);
    cr_expect_eq(cJSON_GetArraySize(o), fp.n);
    cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(o, "kernel")),
                     rzb_fingerprint_get(&fp, "kernel"));
    cJSON_Delete(o);
    free(text);
    rzb_pin_fini(&pin);
}
