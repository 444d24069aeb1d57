/* harness/page_cache: a file just written and read is in the page cache; after eviction it is not
 * (on a file system with a page cache: not tmpfs, where the pages are the file); a missing file
 * gives NaN. */
#include <criterion/criterion.h>
#include <linux/magic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "harness/page_cache.h"
#include "tests/support/support.h"

static char path[512];

static void remove_file(void) {
    if (path[0]) unlink(path);
}

TestSuite(page_cache, .fini = remove_file);

Test(page_cache, a_read_file_is_resident_and_eviction_drops_it) {
    enum { BYTES = 4 << 20 };
    const char *written = rzt_write_build_file("page_cache_test.bin", BYTES, 7);
    cr_assert_not_null(written);
    snprintf(path, sizeof path, "%s", written);
    char *data = malloc(BYTES);
    cr_assert_not_null(data);
    FILE *f = fopen(path, "rb");
    cr_assert_eq(fread(data, 1, BYTES, f), (size_t)BYTES);
    fclose(f);
    free(data);
    const double before = rzb_page_cache_resident(path);
    cr_expect(before > 0.9 && before <= 1, "resident after a read: %g", before);
    struct statfs fs;
    cr_assert_eq(statfs(path, &fs), 0);
    const double after = rzb_page_cache_evict(path);
    if (fs.f_type == TMPFS_MAGIC) cr_skip_test("tmpfs: the pages are the file (%g left)", after);
    cr_expect(after >= 0 && after < 0.1, "resident after eviction: %g", after);
}

Test(page_cache, a_missing_file_gives_nan) {
    cr_expect(isnan(rzb_page_cache_resident("/nonexistent/file")));
    cr_expect(isnan(rzb_page_cache_evict("/nonexistent/file")));
}
