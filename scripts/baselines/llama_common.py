"""What a llama.cpp baseline helper needs from llama-cpp-python: a silent CPU backend, loading a
model and making a context (each exiting 1 with the reason on stderr when llama.cpp refuses)."""
import ctypes
import sys

_silent = None  # the log callback must outlive every llama.cpp call


def start(llama_cpp):
    """Silences llama.cpp's log and initialises its backend."""
    global _silent
    _silent = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)(lambda *a: None)
    llama_cpp.llama_log_set(_silent, None)
    llama_cpp.llama_backend_init()


def cpu_params(llama_cpp):
    params = llama_cpp.llama_model_default_params()
    params.n_gpu_layers = 0
    return params


def load(llama_cpp, path, params):
    model = llama_cpp.llama_model_load_from_file(path.encode(), params)
    if not model:
        sys.stderr.write(f"llama.cpp could not load {path}\n")
        sys.exit(1)
    return model


def context(llama_cpp, model, path, threads, n_ctx):
    """A context of n_ctx positions that takes n_ctx tokens per llama_decode, on threads threads."""
    cparams = llama_cpp.llama_context_default_params()
    cparams.n_ctx = cparams.n_batch = cparams.n_ubatch = n_ctx
    cparams.n_threads = cparams.n_threads_batch = threads
    ctx = llama_cpp.llama_init_from_model(model, cparams)
    if not ctx:
        sys.stderr.write(f"llama.cpp could not make a context of {n_ctx} for {path}\n")
        sys.exit(1)
    return ctx


def system_info(llama_cpp):
    return llama_cpp.llama_print_system_info().decode(errors="replace").strip()
