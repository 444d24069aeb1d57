/* rzb_why_rz: the harness's adapter from rz_error to a why buffer writes "CONTEXT: MSG" (or MSG
 * alone), cuts it at cap with a terminator, and always returns false. */
#include <criterion/criterion.h>
#include <string.h>

#include "harness/why.h"

static const rz_error err = {"model.gguf: offset 24: expected GGUF magic"};

Test(why, context_then_message) {
    char why[128];
    cr_assert_not(rzb_why_rz(why, sizeof why, &err, "rz forward at position %d", 7));
    cr_assert_str_eq(why, "rz forward at position 7: model.gguf: offset 24: expected GGUF magic");
}

Test(why, message_alone_without_context) {
    char why[128];
    cr_assert_not(rzb_why_rz(why, sizeof why, &err, NULL));
    cr_assert_str_eq(why, "model.gguf: offset 24: expected GGUF magic");
}

Test(why, cut_at_cap_inside_the_message) {
    char why[16];
    memset(why, 'x', sizeof why);
    cr_assert_not(rzb_why_rz(why, sizeof why, &err, "rz %s", "load"));
    cr_assert_str_eq(why, "rz load: model.");
}

Test(why, cut_at_cap_inside_the_context) {
    char why[8];
    memset(why, 'x', sizeof why);
    cr_assert_not(rzb_why_rz(why, sizeof why, &err, "rz forward on the prompt"));
    cr_assert_str_eq(why, "rz forw");
}

Test(why, cut_at_cap_right_after_the_context) {
    char why[11];
    cr_assert_not(rzb_why_rz(why, sizeof why, &err, "rz perplex"));
    cr_assert_str_eq(why, "rz perplex");
}

Test(why, message_alone_cut_at_cap) {
    char why[6];
    cr_assert_not(rzb_why_rz(why, sizeof why, &err, NULL));
    cr_assert_str_eq(why, "model");
}

Test(why, cap_zero_writes_nothing) {
    char why[4] = "abc";
    cr_assert_not(rzb_why_rz(why, 0, &err, "context"));
    cr_assert_str_eq(why, "abc");
    cr_assert_not(rzb_why_rz(NULL, 0, &err, NULL));
}
