/* engine/formats/prefetch and rz_map_will_read: after eviction, a prefetch brings a file's range
 * into the page cache without mapping it, and will_read brings a mapped piece in without a
 * touch; a file that cannot be opened starts nothing. Skipped where eviction does not hold
 * (tmpfs, where the pages are the file). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "engine/formats/map.h"
#include "engine/formats/prefetch.h"
#include "harness/page_cache.h"
#include "tests/support/support.h"

enum { BYTES = 8 << 20 };

static char path[512];

static void remove_file(void) {
    if (path[0]) unlink(path);
}

TestSuite(prefetch, .fini = remove_file);

/* Writes BYTES to a file named `name` in the build folder and evicts it; skips when eviction
 * does not hold. */
static void write_cold_file(const char *name) {
    const char *written = rzt_write_build_file(name, BYTES, 5);
    cr_assert_not_null(written, "%s", name);
    snprintf(path, sizeof path, "%s", written);
    const double left = rzb_page_cache_evict(path);
    if (!(left < 0.01)) cr_skip_test("eviction does not hold here (%g of the pages left)", left);
}

static void sleep_ms(long ms) {
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000};
    nanosleep(&t, NULL);
}

Test(prefetch, reads_the_range_into_the_page_cache) {
    write_cold_file("prefetch_whole.bin");
    rz_prefetch *p = rz_prefetch_start(path, 0, BYTES);
    cr_assert_not_null(p);
    double resident = 0;
    for (int i = 0; i < 1000 && resident < 1; i++, sleep_ms(10))
        resident = rzb_page_cache_resident(path);
    cr_expect_eq(rz_prefetch_end(p), (uint64_t)BYTES, "every byte read before the end");
    cr_expect_eq(resident, 1, "resident after the prefetch: %g", resident);
}

Test(prefetch, ends_early_and_reads_nothing_of_a_missing_file) {
    write_cold_file("prefetch_half.bin");
    rz_prefetch *p = rz_prefetch_start(path, BYTES / 2, BYTES / 2);
    cr_assert_not_null(p);
    cr_expect_leq(rz_prefetch_end(p), (uint64_t)BYTES / 2, "never past the range");
    cr_expect_null(rz_prefetch_start("/nonexistent/x.bin", 0, 1));
    cr_expect_eq(rz_prefetch_end(NULL), 0);
}

/* Resident pages of [p, p + len), page-aligned p, by mincore (which faults nothing in). */
static size_t resident_pages(const uint8_t *p, size_t len) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE), n = (len + page - 1) / page;
    unsigned char *vec = malloc(n);
    cr_assert_eq(mincore((void *)p, len, vec), 0);
    size_t in = 0;
    for (size_t i = 0; i < n; i++)
        in += vec[i] & 1;
    free(vec);
    return in;
}

Test(prefetch, will_read_brings_a_mapped_piece_in_without_a_touch) {
    write_cold_file("prefetch_piece.bin");
    const uint8_t *base;
    size_t len;
    rz_error err;
    cr_assert_eq(rz_map_file(path, &base, &len, &err), RZ_OK, "%s", err.msg);
    const size_t at = BYTES / 2, piece = 64 << 10;
    cr_assert_eq(resident_pages(base + at, piece), 0);
    rz_map_will_read(base + at + 100, piece - 100); /* not on a page boundary: rounded out */
    size_t in = 0;
    for (int i = 0; i < 1000 && in < piece / (size_t)sysconf(_SC_PAGESIZE); i++, sleep_ms(10))
        in = resident_pages(base + at, piece);
    cr_expect_eq(in, piece / (size_t)sysconf(_SC_PAGESIZE), "%zu pages in", in);
    rz_unmap_file(base, len);
}

/* Bytes this process has read through read-like calls (/proc/self/io rchar). */
static unsigned long long bytes_read(void) {
    FILE *f = fopen("/proc/self/io", "r");
    cr_assert_not_null(f);
    char line[128];
    unsigned long long n = 0;
    while (fgets(line, sizeof line, f) && sscanf(line, "rchar: %llu", &n) != 1)
        ;
    fclose(f);
    return n;
}

Test(prefetch, skips_what_the_page_cache_holds) {
    const char *written = rzt_write_build_file("prefetch_warm.bin", BYTES, 0);
    cr_assert_not_null(written);
    snprintf(path, sizeof path, "%s", written);
    cr_assert_eq(rzb_page_cache_resident(path), 1, "a file just written is cached");
    const unsigned long long before = bytes_read();
    rz_prefetch *p = rz_prefetch_start(path, 0, BYTES);
    cr_assert_not_null(p);
    sleep_ms(100);
    cr_expect_eq(rz_prefetch_end(p), (uint64_t)BYTES, "every piece found cached");
    cr_expect_lt(bytes_read() - before, 4096, "%llu bytes read", bytes_read() - before);
}
