#!/usr/bin/env python3
"""Writes the oracle of tests/test_bert_oracle.c: a few WikiText-2 test lines and their
all-MiniLM-L6-v2 embeddings from sentence-transformers.

Usage: minilm_embeddings.py [--model DIR (scripts/find-models minilm)] [--out tests/data/embed]

Lines (one per line of OUT/wikitext.txt, as they are in the file): the first 16 non-empty lines
of wiki.test.raw, the longest of its first 1000 non-empty lines (past max_seq_length: truncated),
the first one with a character outside ASCII, and an empty line. OUT/minilm.txt has one line
per text: 384 numbers (%.9g) separated by spaces. Run again when the model or the choice of
lines changes; the outputs are committed.
"""
import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    p = argparse.ArgumentParser(usage=__doc__)
    p.add_argument("--model")
    p.add_argument("--out", default=str(ROOT / "tests/data/embed"))
    a = p.parse_args()
    from sentence_transformers import SentenceTransformer
    model = a.model or subprocess.run([str(ROOT / "scripts/find-models"), "minilm"],
                                      capture_output=True, text=True, check=True).stdout.strip()
    wiki = ROOT.parent / "shared/datasets/wikitext-2-raw/wiki.test.raw"
    if not wiki.is_file():
        wiki = ROOT / "datasets/cache/datasets/wikitext-2-raw/wiki.test.raw"
    lines = [l for l in wiki.read_text(encoding="utf-8").split("\n") if l.strip()][:1000]
    chosen = lines[:16] + [max(lines, key=len)]
    chosen += [next(l for l in lines if any(ord(c) > 127 for c in l))] + [""]
    emb = SentenceTransformer(model, device="cpu").encode(chosen, convert_to_numpy=True)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "wikitext.txt").write_text("\n".join(chosen) + "\n", encoding="utf-8")
    with open(out / "minilm.txt", "w") as f:
        for row in emb:
            f.write(" ".join(f"{x:.9g}" for x in row) + "\n")
    print(f"{out}: {len(chosen)} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
