#include "harness/load.h"

#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "harness/timer.h"

static double seconds(struct timeval t) {
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

void rzb_load_mark(rzb_load *l) {
    l->machine_busy_s = l->machine_steal_s = NAN;
    unsigned long long user, nice, system, idle, iowait, irq, softirq, steal;
    FILE *f = fopen("/proc/stat", "r");
    if (f && fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system, &idle,
                    &iowait, &irq, &softirq, &steal) == 8) {
        double hz = (double)sysconf(_SC_CLK_TCK);
        l->machine_busy_s = (double)(user + nice + system) / hz;
        l->machine_steal_s = (double)steal / hz;
    }
    if (f) fclose(f);
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    l->own_s = seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) +
               seconds(children.ru_stime);
    l->wall_ns = rz_now_ns();
}

double rzb_load_foreign_cpus(const rzb_load *start, double *steal_cpus) {
    rzb_load now;
    rzb_load_mark(&now);
    double wall = (double)(now.wall_ns - start->wall_ns) / 1e9;
    if (steal_cpus) *steal_cpus = (now.machine_steal_s - start->machine_steal_s) / wall;
    double foreign = (now.machine_busy_s - start->machine_busy_s) - (now.own_s - start->own_s);
    return foreign > 0 ? foreign / wall : 0.0 * foreign;
}
