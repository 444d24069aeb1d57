#!/usr/bin/env python3
"""Compares `rz tokenize` with llama.cpp's tokenizer (through llama-cpp-python) on real GGUF
vocabularies: every line of WikiText-2 (and a few strings with special tokens) must give the
same ids, with and without BOS and special-token parsing. Also times both on the whole file.

Usage: tokenizer_vs_llama_cpp.py RZ_BINARY [--max-lines N] [--no-speed] [MODEL.gguf ...]
Without models it takes those scripts/find-models reports. Speed is measured both on the whole
file as one text and line by line. Exit status: 0 all agree, 1 a
mismatch, 77 skipped (llama_cpp, the models or the dataset is missing)."""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIKI = Path(os.environ.get("RZ_SHARED_DIR", ROOT.parent / "shared")) / \
    "datasets/wikitext-2-raw/wiki.test.raw"
EXTRA = [
    " ", "Hello world", " Hello  world ", "<|im_start|>user\nHi<|im_end|>\n",
    "<start_of_turn>user\nHi<end_of_turn>\n", "<bos><eos></s><s>", "tab\tand\r\nnewlines\n\n\n",
    "日本語のテキスト 😀 ₿ 1234567 3.14159", "l'homme qu'il a vu, don't we'll I'M",
]
SKIP = 77


def models(paths):
    if paths:
        return [(Path(p).name, p) for p in paths]
    out = subprocess.run([sys.executable, str(ROOT / "scripts/find-models")],
                         capture_output=True, text=True).stdout
    return [tuple(line.split("\t", 1)) for line in out.splitlines() if "\t" in line]


def rz_ids(rz, model, args):
    res = subprocess.run([rz, "tokenize", model, *args], capture_output=True, check=True)
    return [[int(x) for x in line.split()] for line in res.stdout.decode().split("\n")[:-1]]


def rz_model(rz, model, tmpdir):
    """The model itself when rz reads it, else a vocab-only copy (rz's GGUF reader refuses
    tensor types it does not know, and the tokenizer needs only the metadata)."""
    if subprocess.run([rz, "tokenize", model, "--text", "x"], capture_output=True).returncode == 0:
        return model
    copy = os.path.join(tmpdir, "vocab.gguf")
    subprocess.run([sys.executable, str(Path(__file__).with_name("vocab_only_gguf.py")), model,
                    copy], check=True)
    print(f"  (rz reads the vocab-only copy of {model})")
    return copy


def compare(rz, llama_cpp, name, model, lines, tmpdir):
    llm = llama_cpp.Llama(model_path=model, vocab_only=True, verbose=False)
    rz_path = rz_model(rz, model, tmpdir)
    path = os.path.join(tmpdir, "lines.txt")
    Path(path).write_bytes(b"\n".join(lines) + b"\n")
    failures = 0
    for flags, add_bos, special in (([], True, False), (["--no-bos"], False, False),
                                    (["--parse-special"], True, True)):
        got = rz_ids(rz, rz_path, ["--text-file", path, "--lines", *flags])
        got += [rz_ids(rz, rz_path, ["--text", e, *flags])[0] for e in EXTRA]
        texts = lines + [e.encode() for e in EXTRA]
        ok = 0
        for i, text in enumerate(texts):
            want = llm.tokenize(text, add_bos=add_bos, special=special)
            if got[i] == want:
                ok += 1
                continue
            failures += 1
            if failures <= 10:
                print(f"  MISMATCH {name} {flags} string {i} {text[:60]!r}\n"
                      f"    rz:        {got[i][:24]}\n    llama.cpp: {want[:24]}")
        print(f"{name} {' '.join(flags) or '(bos)'}: {ok}/{len(texts)} strings agree "
              f"({len(lines)} WikiText-2 lines, {len(EXTRA)} extra)")
    return failures == 0, llm, rz_path


def speed(rz, llm, rz_path, name):
    data = WIKI.read_bytes()
    t0 = time.perf_counter()
    n_llama = len(llm.tokenize(data, add_bos=False, special=False))
    t_whole = time.perf_counter() - t0
    t0 = time.perf_counter()
    for line in data.split(b"\n"):
        llm.tokenize(line, add_bos=False, special=False)
    t_lines = time.perf_counter() - t0
    ok = True
    for mode, args, t in (("whole file", [], t_whole), ("line by line", ["--lines"], t_lines)):
        res = subprocess.run([rz, "tokenize", rz_path, "--text-file", str(WIKI), "--no-bos",
                              "--stats", *args], capture_output=True, check=True)
        if not args:
            ok = len(res.stdout.split()) == n_llama
        print(f"{name} speed, WikiText-2 {mode} ({len(data)} bytes): llama.cpp {t * 1e3:.1f} ms "
              f"(through Python); rz {res.stderr.decode().strip()}")
    return ok


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    rz, args, max_lines, with_speed = sys.argv[1], sys.argv[2:], None, True
    if "--no-speed" in args:
        args.remove("--no-speed")
        with_speed = False
    if "--max-lines" in args:
        i = args.index("--max-lines")
        max_lines = int(args[i + 1])
        del args[i:i + 2]
    try:
        import llama_cpp
    except ImportError:
        print("SKIP: llama_cpp (llama-cpp-python) is not installed")
        return SKIP
    found = [(n, p) for n, p in models(args) if Path(p).is_file()]
    if not found or not WIKI.is_file():
        print("SKIP: no GGUF model found (scripts/find-models) or WikiText-2 absent")
        return SKIP
    lines = WIKI.read_bytes().split(b"\n")[:-1][:max_lines]
    failed = False
    for name, model in found:
        with tempfile.TemporaryDirectory() as tmpdir:
            ok, llm, rz_path = compare(rz, llama_cpp, name, model, lines, tmpdir)
            same_count = speed(rz, llm, rz_path, name) if with_speed else True
        failed |= not ok or not same_count
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
