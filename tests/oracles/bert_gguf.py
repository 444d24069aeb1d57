#!/usr/bin/env python3
"""Writes a BERT GGUF from a Hugging Face BERT folder the way llama.cpp's convert_hf_to_gguf.py
(BertModel) does, with the `gguf` package: bert.* metadata, tensors renamed (token_embd,
position_embd, token_types, token_embd_norm, blk.N.attn_q/attn_k/attn_v/attn_output,
attn_output_norm, ffn_up, ffn_down, layer_output_norm), F32, and the WordPiece vocabulary from
vocab.txt in its phantom-space form (control tokens as they are, "##x" -> "x", "x" -> U+2581 "x").

Usage: bert_gguf.py FOLDER OUT.gguf
Exit 77 when the gguf, numpy or safetensors package is missing (the test skips), 1 on failure.
"""
import json
import sys
from pathlib import Path

try:
    import gguf
    import numpy as np
    from safetensors.numpy import load_file
except ImportError as e:
    print(f"bert_gguf.py: {e}", file=sys.stderr)
    sys.exit(77)

SPECIAL = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
GLOBAL = {
    "embeddings.word_embeddings.weight": "token_embd.weight",
    "embeddings.position_embeddings.weight": "position_embd.weight",
    "embeddings.token_type_embeddings.weight": "token_types.weight",
    "embeddings.LayerNorm.weight": "token_embd_norm.weight",
    "embeddings.LayerNorm.bias": "token_embd_norm.bias",
}
LAYER = {
    "attention.self.query": "attn_q",
    "attention.self.key": "attn_k",
    "attention.self.value": "attn_v",
    "attention.output.dense": "attn_output",
    "attention.output.LayerNorm": "attn_output_norm",
    "intermediate.dense": "ffn_up",
    "output.dense": "ffn_down",
    "output.LayerNorm": "layer_output_norm",
}


def gguf_name(name):
    name = name.removeprefix("bert.")
    if name in GLOBAL:
        return GLOBAL[name]
    parts = name.split(".")
    if parts[:2] != ["encoder", "layer"]:
        return None
    module, kind = ".".join(parts[3:-1]), parts[-1]
    return f"blk.{parts[2]}.{LAYER[module]}.{kind}" if module in LAYER else None


def main(folder, out):
    folder = Path(folder)
    cfg = json.loads((folder / "config.json").read_text())
    w = gguf.GGUFWriter(out, "bert")
    w.add_name(folder.name)
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(cfg["hidden_size"])
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_head_count(cfg["num_attention_heads"])
    w.add_layer_norm_eps(cfg.get("layer_norm_eps", 1e-12))
    w.add_causal_attention(False)
    w.add_pooling_type(gguf.PoolingType.MEAN)
    tokens = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if tokens and tokens[-1] == "":
        tokens.pop()
    texts, types = [], []
    for t in tokens:
        special = t in SPECIAL
        texts.append(t if special else t[2:] if t.startswith("##") else "\u2581" + t)
        types.append(gguf.TokenType.CONTROL if special else gguf.TokenType.NORMAL)
    w.add_tokenizer_model("bert")
    w.add_token_list(texts)
    w.add_token_types(types)
    w.add_token_type_count(cfg.get("type_vocab_size", 2))
    ids = {t: i for i, t in enumerate(tokens)}
    w.add_bos_token_id(ids["[CLS]"])
    w.add_sep_token_id(ids["[SEP]"])
    w.add_unk_token_id(ids["[UNK]"])
    w.add_pad_token_id(ids["[PAD]"])
    w.add_mask_token_id(ids["[MASK]"])
    for name, data in load_file(str(folder / "model.safetensors")).items():
        target = gguf_name(name)
        if target:
            w.add_tensor(target, np.ascontiguousarray(data, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
