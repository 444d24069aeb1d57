/* The engine's core helpers called directly: this executable's own path and folder
 * (rz_file_self_exe, rz_file_self_dir), checked against the kernel's and libc's view of it; and
 * rz_huge_alloc's alignment (whether the kernel grants huge pages is the system's affair). */
#include <criterion/criterion.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/core/file.h"
#include "engine/core/huge.h"

/* What libc says this executable is: realpath of /proc/self/exe, found apart from the engine. */
static void expected_exe(char out[PATH_MAX]) {
    cr_assert_not_null(realpath("/proc/self/exe", out), "%s", strerror(errno));
}

Test(api_core, self_exe_is_this_test_binary) {
    char want[PATH_MAX], got[PATH_MAX];
    expected_exe(want);
    cr_assert(rz_file_self_exe(got, sizeof got), "%s", strerror(errno));
    cr_expect_str_eq(got, want);
    cr_expect_str_eq(strrchr(got, '/') + 1, "test_api_engine_core");
    struct stat st;
    cr_expect_eq(stat(got, &st), 0, "%s: %s", got, strerror(errno));
    cr_expect(S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR), "%s is not an executable file", got);
}

Test(api_core, self_exe_fails_when_it_does_not_fit) {
    char want[PATH_MAX];
    expected_exe(want);
    const size_t len = strlen(want);
    char exact[PATH_MAX];
    cr_expect(rz_file_self_exe(exact, len + 1), "room for the path and its NUL");
    cr_expect_str_eq(exact, want);
    char small[PATH_MAX];
    memset(small, 'x', sizeof small);
    errno = 0;
    cr_expect_not(rz_file_self_exe(small, len), "no room for the NUL");
    cr_expect_eq(errno, ENAMETOOLONG);
    cr_expect_str_eq(small, "", "out is empty on failure");
    cr_expect_not(rz_file_self_exe(small, 1));
    cr_expect_str_eq(small, "");
    errno = 0;
    cr_expect_not(rz_file_self_exe(NULL, 0), "a zero capacity writes nothing");
    cr_expect_eq(errno, ENAMETOOLONG);
}

Test(api_core, self_dir_is_the_folder_of_this_test_binary) {
    char want[PATH_MAX], got[PATH_MAX];
    expected_exe(want);
    cr_assert(rz_file_self_dir(got, sizeof got), "%s", strerror(errno));
    cr_expect_str_eq(got, dirname(want));
    struct stat st;
    cr_expect(stat(got, &st) == 0 && S_ISDIR(st.st_mode), "%s is not a folder", got);
    char small[8] = "unused";
    cr_expect_not(rz_file_self_dir(small, sizeof small), "the whole path must fit first");
    cr_expect_str_eq(small, "");
}

Test(api_core, huge_alloc_aligns_and_advises) {
    unsigned char *small = rz_huge_alloc(100);
    cr_assert_not_null(small);
    cr_expect_eq((uintptr_t)small % 64, 0);
    memset(small, 1, 100);
    free(small);
    const size_t big = 3 * (size_t)RZ_HUGE_PAGE + 5;
    unsigned char *p = rz_huge_alloc(big);
    cr_assert_not_null(p);
    cr_expect_eq((uintptr_t)p % RZ_HUGE_PAGE, 0, "2 MiB aligned from 2 MiB up");
    memset(p, 7, big);
    cr_expect_eq(p[big - 1], 7);
    free(p);
    cr_expect_null(rz_huge_alloc(SIZE_MAX - 10), "a size that cannot be rounded up");
}
