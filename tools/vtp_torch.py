#!/usr/bin/env python3
"""Slim ViT for PyTorch, from a ViT Pruning Studio model folder (config.json + model.safetensors).

Self-contained: needs only torch and the Python standard library (safetensors is read with
json/struct). The module's parameter names are the studio's canonical names, so the weights load
with strict=True. Blocks may have uneven dims, exactly as VTP left them:

  qkv_in        residual dims (after LN1) fed to q/k/v, or null for all
  heads         kept heads; each has query/key width head_dim and its own value width
  value_widths  value width of every kept head
  fc1_in        residual dims (after LN2) fed to fc1, or null for all
  hidden        MLP hidden width

A block whose attention was removed by pruning has heads [] (no norm1, no attn weights) and one whose
MLP was removed has hidden 0 (no norm2, no mlp weights): the residual passes through that sublayer.
Blocks with both removed were dropped from the model ("dropped_blocks" lists their original indices).

Attention runs as one batched matmul over all kept heads: value dims are padded to the block's
widest kept head (zeros), and the attention scale stays head_dim ** -0.5 of the original model.

Use as a library:

    from vtp_torch import load_slim_vit
    model = load_slim_vit("path/to/folder").eval()
    logits = model(pixel_values)          # [B, C, H, W] normalised -> [B, classes]

VTP gates (score training): set_gates(model, gates) puts one [4] list of 1-D tensors per block
(qkv [k], attn [V], fc1 [m], hidden [u], the studio's gate order) on the blocks; set_gates(model, None)
removes them. `train-scores` trains them on PyTorch (vtp_train_scores.py, shipped alongside).

Command line (pixel_values in a safetensors file, logits written to another; or score training):

    python3 vtp_torch.py MODEL_DIR INPUT.safetensors OUTPUT.safetensors
    python3 vtp_torch.py --jobs jobs.json    # [[MODEL_DIR, INPUT, OUTPUT], ...], torch imported once
    torchrun --nproc_per_node N vtp_torch.py train-scores MODEL_DIR --data IMAGES --steps S --batch B --out scores.safetensors
"""
import json
import os
import struct
import sys

import torch
from torch import nn

_DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2), "F64": (torch.float64, 8)}


def read_safetensors(path):
    """All tensors of a safetensors file as float32 torch tensors, by name."""
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len].decode("utf-8"))
    base = 8 + header_len
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}; only F32/F16/BF16/F64 are read")
        dtype, _ = _DTYPES[info["dtype"]]
        start, end = info["data_offsets"]
        raw = bytearray(data[base + start:base + end])
        t = torch.frombuffer(raw, dtype=dtype) if len(raw) > 0 else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"]).to(torch.float32)
    return out


def write_safetensors(path, tensors, metadata=None):
    """Writes float32 tensors (name -> tensor) to a safetensors file, with optional string metadata."""
    header, blobs, offset = ({"__metadata__": dict(metadata)} if metadata else {}), [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous().cpu()
        raw = struct.pack(f"<{t.numel()}f", *t.flatten().tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def _index_buffer(module, name, values):
    """Registers a non-persistent int64 index buffer (not part of the state dict), or None."""
    module.register_buffer(name, None if values is None else torch.tensor(values, dtype=torch.long), persistent=False)


class SlimAttention(nn.Module):
    """Multi-head self-attention with h' kept heads of query/key width head_dim and uneven value widths."""

    def __init__(self, dim, head_dim, dims, qkv_bias):
        super().__init__()
        widths = list(dims["value_widths"])
        k_in = len(dims["qkv_in"]) if dims["qkv_in"] is not None else dim
        self.heads, self.head_dim, self.vmax = len(widths), head_dim, max(widths)
        self.scale = head_dim ** -0.5
        self.q = nn.Linear(k_in, self.heads * head_dim, bias=qkv_bias)
        self.k = nn.Linear(k_in, self.heads * head_dim, bias=qkv_bias)
        self.v = nn.Linear(k_in, sum(widths), bias=qkv_bias)
        self.proj = nn.Linear(sum(widths), dim)
        self.gate_qkv = self.gate_attn = None  # VTP gates [k] and [V], see set_gates
        _index_buffer(self, "qkv_in", dims["qkv_in"])
        # Padded slot -> value index (sum(widths) = the appended zero column), and value -> slot.
        slots, values, at = [], [], 0
        for h, w in enumerate(widths):
            slots += list(range(at, at + w)) + [sum(widths)] * (self.vmax - w)
            values += [h * self.vmax + j for j in range(w)]
            at += w
        _index_buffer(self, "slot_to_value", slots)
        _index_buffer(self, "value_to_slot", values)

    def forward(self, x):  # x: [B, T, D] after LN1
        B, T, _ = x.shape
        if self.qkv_in is not None:
            x = x.index_select(-1, self.qkv_in)  # [B, T, k]
        if self.gate_qkv is not None:
            x = x * self.gate_qkv
        q = self.q(x).reshape(B, T, self.heads, self.head_dim).transpose(1, 2)  # [B, h', T, hd]
        k = self.k(x).reshape(B, T, self.heads, self.head_dim).transpose(1, 2)  # [B, h', T, hd]
        v = self.v(x)  # [B, T, V]
        v = torch.cat([v, v.new_zeros(B, T, 1)], dim=-1).index_select(-1, self.slot_to_value)  # [B, T, h'*vmax]
        v = v.reshape(B, T, self.heads, self.vmax).transpose(1, 2)  # [B, h', T, vmax]
        attn = (q @ k.transpose(-2, -1) * self.scale).softmax(dim=-1)  # [B, h', T, T]
        out = (attn @ v).transpose(1, 2).reshape(B, T, self.heads * self.vmax)  # [B, T, h'*vmax]
        out = out.index_select(-1, self.value_to_slot)  # [B, T, V], heads' value dims in order
        return self.proj(out if self.gate_attn is None else out * self.gate_attn)  # [B, T, D]


class SlimMlp(nn.Module):
    """fc1 on the kept residual dims, exact (erf) GELU, fc2."""

    def __init__(self, dim, dims):
        super().__init__()
        m_in = len(dims["fc1_in"]) if dims["fc1_in"] is not None else dim
        self.fc1 = nn.Linear(m_in, dims["hidden"])
        self.act = nn.GELU()
        self.fc2 = nn.Linear(dims["hidden"], dim)
        self.gate_fc1 = self.gate_hidden = None  # VTP gates [m] and [u], see set_gates
        _index_buffer(self, "fc1_in", dims["fc1_in"])

    def forward(self, x):  # x: [B, T, D] after LN2
        if self.fc1_in is not None:
            x = x.index_select(-1, self.fc1_in)  # [B, T, m]
        if self.gate_fc1 is not None:
            x = x * self.gate_fc1
        h = self.act(self.fc1(x))  # [B, T, u]
        return self.fc2(h if self.gate_hidden is None else h * self.gate_hidden)  # [B, T, D]


class SlimBlock(nn.Module):
    """Pre-norm transformer block; the LayerNorms always span the full residual width D. A removed sublayer is None."""

    def __init__(self, dim, head_dim, dims, qkv_bias, eps):
        super().__init__()
        has_attn, has_mlp = len(dims["heads"]) > 0, dims["hidden"] > 0
        self.norm1 = nn.LayerNorm(dim, eps=eps) if has_attn else None
        self.attn = SlimAttention(dim, head_dim, dims, qkv_bias) if has_attn else None
        self.norm2 = nn.LayerNorm(dim, eps=eps) if has_mlp else None
        self.mlp = SlimMlp(dim, dims) if has_mlp else None

    def forward(self, x):
        if self.attn is not None:
            x = x + self.attn(self.norm1(x))
        return x if self.mlp is None else x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    """Conv with kernel = stride = patch size; [B, C, H, W] -> [B, n, D]."""

    def __init__(self, in_chans, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # [B, n, D]


def full_block_dims(cfg):
    """The dims of an unpruned block."""
    return {"qkv_in": None, "heads": list(range(cfg["num_heads"])), "value_widths": [cfg["head_dim"]] * cfg["num_heads"],
            "fc1_in": None, "hidden": cfg["mlp_hidden"]}


class SlimViT(nn.Module):
    """ViT/DeiT with per-block slim dims, built from the studio's config.json (format "vit-pruning-studio")."""

    def __init__(self, cfg):
        super().__init__()
        if cfg.get("format") != "vit-pruning-studio":
            raise ValueError('config.json is not a ViT Pruning Studio config ("format": "vit-pruning-studio")')
        D, (H, W), P = cfg["embed_dim"], cfg["img_size"], cfg["patch_size"]
        self.distilled = bool(cfg["distilled"])
        prefix = 2 if self.distilled else 1
        self.patch_embed = PatchEmbed(cfg["in_chans"], D, P)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, D))
        self.dist_token = nn.Parameter(torch.zeros(1, 1, D)) if self.distilled else None
        self.pos_embed = nn.Parameter(torch.zeros(1, (H // P) * (W // P) + prefix, D))
        dims = cfg["block_dims"] or [full_block_dims(cfg)] * cfg["depth"]
        eps = cfg["layer_norm_eps"]
        self.blocks = nn.ModuleList([SlimBlock(D, cfg["head_dim"], d, cfg["qkv_bias"], eps) for d in dims])
        self.norm = nn.LayerNorm(D, eps=eps)
        self.head = nn.Linear(D, cfg["num_classes"])
        self.head_dist = nn.Linear(D, cfg["num_classes"]) if self.distilled else None
        self.class_names = cfg.get("label_names")
        self.config = cfg

    def forward(self, x):  # x: [B, C, H, W] -> logits [B, classes]
        x = self.patch_embed(x)  # [B, n, D]
        B = x.shape[0]
        tokens = [self.cls_token.expand(B, -1, -1)] + ([self.dist_token.expand(B, -1, -1)] if self.distilled else [])
        x = torch.cat(tokens + [x], dim=1) + self.pos_embed  # [B, T, D]
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        logits = self.head(x[:, 0])
        return (logits + self.head_dist(x[:, 1])) / 2 if self.distilled else logits


def set_gates(model, gates):
    """Puts VTP gates on every block: gates[i] = [qkv, attn, fc1, hidden] 1-D tensors; None removes them."""
    for i, block in enumerate(model.blocks):
        qkv, attn, fc1, hidden = gates[i] if gates is not None else (None,) * 4
        if block.attn is not None:
            block.attn.gate_qkv, block.attn.gate_attn = qkv, attn
        if block.mlp is not None:
            block.mlp.gate_fc1, block.mlp.gate_hidden = fc1, hidden


def gate_lengths(model):
    """Per block, the gate lengths [k, V, m, u] (qkv, attn, fc1, hidden) of a SlimViT; 0 for a removed sublayer's gates."""
    def attn(b):
        return [b.attn.q.in_features, b.attn.proj.in_features] if b.attn is not None else [0, 0]

    def mlp(b):
        return [b.mlp.fc1.in_features, b.mlp.fc1.out_features] if b.mlp is not None else [0, 0]
    return [attn(b) + mlp(b) for b in model.blocks]


def load_slim_vit(folder):
    """The slim ViT of a studio folder with its weights loaded (strict: every tensor used, none missing)."""
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    model = SlimViT(cfg)
    model.load_state_dict(read_safetensors(os.path.join(folder, "model.safetensors")), strict=True)
    return model


def run(folder, input_path, output_path):
    """Reads pixel_values [B, C, H, W] from input_path, writes logits [B, classes] to output_path."""
    model = load_slim_vit(folder).eval()
    pixels = read_safetensors(input_path)["pixel_values"]
    with torch.no_grad():
        logits = model(pixels)
    write_safetensors(output_path, {"logits": logits})
    print(f"{folder}: logits {list(logits.shape)} -> {output_path}", file=sys.stderr)


def main(argv):
    if argv[:1] == ["train-scores"]:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from vtp_train_scores import train_scores_main
        return train_scores_main(argv[1:])
    if len(argv) == 2 and argv[0] == "--jobs":
        with open(argv[1], encoding="utf-8") as f:
            jobs = json.load(f)
    elif len(argv) == 3:
        jobs = [argv]
    else:
        print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
        return 2
    torch.set_grad_enabled(False)
    for folder, input_path, output_path in jobs:
        run(folder, input_path, output_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
