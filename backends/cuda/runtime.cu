// The CUDA runtime behind device.h: memory, streams, graphs, device properties and the
// device-to-device bandwidth probe.
#include "backends/cuda/device.h"

#include <stdio.h>

namespace {

const char *check(cudaError_t e) {
    return e == cudaSuccess ? nullptr : cudaGetErrorString(e);
}

} // namespace

struct rzc_graph {
    cudaGraph_t graph;
    cudaGraphExec_t exec;
};

extern "C" const char *rzc_device_count(int *n) {
    *n = 0;
    const cudaError_t e = cudaGetDeviceCount(n);
    if (e != cudaSuccess) *n = 0;
    return check(e);
}

extern "C" const char *rzc_malloc(void **d_p, size_t n) {
    return check(cudaMalloc(d_p, n));
}

extern "C" void rzc_free(void *d_p) {
    if (d_p) cudaFree(d_p);
}

extern "C" const char *rzc_host_alloc(void **p, size_t n) {
    return check(cudaMallocHost(p, n));
}

extern "C" void rzc_host_free(void *p) {
    if (p) cudaFreeHost(p);
}

extern "C" const char *rzc_memset(void *d_p, int value, size_t n) {
    return check(cudaMemset(d_p, value, n));
}

extern "C" const char *rzc_copy(void *dst, const void *src, size_t n) {
    return check(cudaMemcpy(dst, src, n, cudaMemcpyDefault));
}

extern "C" const char *rzc_copy_async(rzc_stream s, void *dst, const void *src, size_t n) {
    return check(cudaMemcpyAsync(dst, src, n, cudaMemcpyDefault, s));
}

extern "C" const char *rzc_stream_new(rzc_stream *s) {
    return check(cudaStreamCreateWithFlags(s, cudaStreamNonBlocking));
}

extern "C" void rzc_stream_free(rzc_stream s) {
    if (s) cudaStreamDestroy(s);
}

extern "C" const char *rzc_sync(rzc_stream s) {
    return check(cudaStreamSynchronize(s));
}

extern "C" const char *rzc_capture_begin(rzc_stream s) {
    return check(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
}

extern "C" const char *rzc_capture_end(rzc_stream s, rzc_graph **g) {
    *g = nullptr;
    cudaGraph_t graph;
    const char *e = check(cudaStreamEndCapture(s, &graph));
    if (e) return e;
    cudaGraphExec_t exec;
    e = check(cudaGraphInstantiate(&exec, graph, 0));
    if (e) {
        cudaGraphDestroy(graph);
        return e;
    }
    *g = new rzc_graph{graph, exec};
    return nullptr;
}

extern "C" const char *rzc_graph_launch(rzc_graph *g, rzc_stream s) {
    return check(cudaGraphLaunch(g->exec, s));
}

extern "C" void rzc_graph_free(rzc_graph *g) {
    if (!g) return;
    cudaGraphExecDestroy(g->exec);
    cudaGraphDestroy(g->graph);
    delete g;
}

extern "C" const char *rzc_device_props(char *name, size_t cap, int *cc_major, int *cc_minor,
                                        size_t *mem_bytes, double *nominal_gbps, int *driver,
                                        int *runtime) {
    int dev = 0, bus_bits = 0, clock_khz = 0;
    const char *e = check(cudaGetDevice(&dev));
    cudaDeviceProp p;
    if (!e) e = check(cudaGetDeviceProperties(&p, dev));
    // best effort: newer drivers may not report the memory clock (nominal bandwidth 0 then)
    if (!e && (cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, dev) ||
               cudaDeviceGetAttribute(&clock_khz, cudaDevAttrMemoryClockRate, dev))) {
        cudaGetLastError();
        bus_bits = clock_khz = 0;
    }
    if (!e) e = check(cudaDriverGetVersion(driver));
    if (!e) e = check(cudaRuntimeGetVersion(runtime));
    if (e) return e;
    snprintf(name, cap, "%s", p.name);
    *cc_major = p.major;
    *cc_minor = p.minor;
    *mem_bytes = p.totalGlobalMem;
    *nominal_gbps = 2.0 * clock_khz * 1e3 * (bus_bits / 8) / 1e9;
    return nullptr;
}

extern "C" const char *rzc_measure_bandwidth(size_t bytes, int reps, double *gbps) {
    void *a = nullptr, *b = nullptr;
    cudaEvent_t t0 = nullptr, t1 = nullptr;
    const char *e = check(cudaMalloc(&a, bytes));
    if (!e) e = check(cudaMalloc(&b, bytes));
    if (!e) e = check(cudaEventCreate(&t0));
    if (!e) e = check(cudaEventCreate(&t1));
    float best = 0.0f;
    for (int i = 0; !e && i <= reps; i++) {
        float ms = 0.0f;
        e = check(cudaEventRecord(t0));
        if (!e) e = check(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice));
        if (!e) e = check(cudaEventRecord(t1));
        if (!e) e = check(cudaEventSynchronize(t1));
        if (!e) e = check(cudaEventElapsedTime(&ms, t0, t1));
        if (!e && i > 0 && (best == 0.0f || ms < best)) best = ms;
    }
    *gbps = best > 0.0f ? 2.0 * (double)bytes / (best * 1e-3) / 1e9 : 0.0;
    if (t0) cudaEventDestroy(t0);
    if (t1) cudaEventDestroy(t1);
    cudaFree(a);
    cudaFree(b);
    return e;
}
