/* rzb_run_memory (claims/workloads/run_memory.h) on a tiny synthetic llama: the kernel's peak RSS
 * of the `rz run` child agrees with what rz run prints about itself, the prompt's tokens are
 * counted, and a model rz cannot load gives its error. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "claims/workloads/run_memory.h"
#include "tests/support/serve_model.h"
#include "tests/support/support.h"

Test(run_memory, the_kernel_and_rz_agree_on_peak_rss, .timeout = 60) {
    rzt_llama_shape shape = rzt_tiny_llama;
    shape.vocab = 300;
    char model[4096], why[1024];
    snprintf(model, sizeof model, "%s", rzt_serve_model(&shape, 256, NULL));
    rzb_run_memory_figures m;
    cr_assert(rzb_run_memory(rzt_bin("rz"), model, 250, 4, 1, &m, why, sizeof why), "%s", why);
    const double kernel_mib = m.peak_rss_kib / 1024.0;
    cr_expect(kernel_mib > 1, "%.1f MiB", kernel_mib);
    cr_expect(fabs(m.self_mib - kernel_mib) < 0.05 * kernel_mib + 0.5,
              "rz run printed %.1f MiB, the kernel counted %.1f MiB", m.self_mib, kernel_mib);
    cr_expect(m.prompt_tokens > 6 && m.prompt_tokens < 200, "%d prompt tokens", m.prompt_tokens);
    cr_expect_not(
        rzb_run_memory(rzt_bin("rz"), "/nonexistent/m.gguf", 200, 4, 1, &m, why, sizeof why));
    cr_expect(strstr(why, "/nonexistent/m.gguf") != NULL, "%s", why);
}
