"""
Write the tiny checkpoint fixtures under tests/fixtures/ (committed; a few hundred KB in all).

Usage (from the repository root; needs Debian's python3-torch and numpy, nothing else):

    /usr/bin/python3 tools/make_fixtures.py            # (re)write every fixture, then self-check
    /usr/bin/python3 tools/make_fixtures.py --check    # only re-verify the fixtures on disk

Every fixture folder holds config.json, model.safetensors and reference.safetensors
(pixel_values [2, C, H, W] float32 and logits [2, classes] float32). Reference logits come from
the independent PyTorch modules in tools/torch_reference.py, run in float64 on exactly the
values stored in model.safetensors (after rounding to F32/BF16/F16), then cast to float32.

Deterministic: weights and inputs come from numpy's PCG64 with a fixed seed per fixture, and
the files are written byte-for-byte the same on every run.

Self-checks (the script fails on any of them):
  - every safetensors file is read back with the small reader below and compared bit-exactly;
  - every fixture is rebuilt from its config.json + model.safetensors alone and re-run;
  - timm ViT / DeiT weights remapped to HF v4 layout give the same logits (max |d| < 1e-6),
    and HF v5 files renamed to the v4 tree give the same logits as HF v4;
  - the VTP gated forward with all gates 1 equals the plain forward;
  - a slim model folded from a gated full model equals that gated model when the gates are zero
    on the removed dims (the "slim == hard-masked" rule of DESIGN.md section 1).
"""

import argparse
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_reference as R  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")

torch.set_num_threads(1)

# -----------------------------------------------------------------------------
# safetensors: writer and reader (F32, F16, BF16)

_ST_DTYPES = {"F32": 4, "F16": 2, "BF16": 2}


def round_to(arr, dtype):
    """float64 values that an array stored as `dtype` holds exactly."""
    a32 = np.asarray(arr, dtype=np.float32)
    if dtype == "F32":
        return a32.astype(np.float64)
    if dtype == "F16":
        return a32.astype(np.float16).astype(np.float64)
    if dtype == "BF16":
        return torch.from_numpy(a32.copy()).to(torch.bfloat16).to(torch.float64).numpy()
    raise ValueError(dtype)


def encode(arr, dtype):
    a32 = np.ascontiguousarray(np.asarray(arr, dtype=np.float32))
    if dtype == "F32":
        return a32.astype("<f4").tobytes()
    if dtype == "F16":
        return a32.astype("<f2").tobytes()
    if dtype == "BF16":  # round to nearest even, as torch does
        bits = torch.from_numpy(a32.copy()).to(torch.bfloat16).view(torch.int16).numpy()
        return bits.astype("<i2").tobytes()
    raise ValueError(dtype)


def write_safetensors(path, tensors, dtype="F32", metadata=None):
    """tensors: dict name -> array (written in insertion order, contiguous, no gaps)."""
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, arr in tensors.items():
        data = encode(arr, dtype)
        header[name] = {"dtype": dtype, "shape": list(np.shape(arr)), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((-len(hjson)) % 8)  # pad with spaces to a multiple of 8
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Returns (dict name -> (dtype, float64 array), metadata). Strict: offsets must tile the data."""
    with open(path, "rb") as f:
        raw = f.read()
    (hlen,) = struct.unpack("<Q", raw[:8])
    assert 8 + hlen <= len(raw), path
    header = json.loads(raw[8:8 + hlen].decode("utf-8"))
    data = raw[8 + hlen:]
    meta = header.pop("__metadata__", None)
    out, spans = {}, []
    for name, info in header.items():
        dt, shape, (b, e) = info["dtype"], info["shape"], info["data_offsets"]
        n = int(np.prod(shape)) if shape else 1
        assert e - b == n * _ST_DTYPES[dt], (path, name)
        buf = data[b:e]
        if dt == "F32":
            a = np.frombuffer(buf, dtype="<f4").astype(np.float64)
        elif dt == "F16":
            a = np.frombuffer(buf, dtype="<f2").astype(np.float64)
        else:  # BF16: top 16 bits of a float32
            u = np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16
            a = u.view(np.float32).astype(np.float64)
        out[name] = (dt, a.reshape(shape))
        spans.append((b, e))
    spans.sort()
    pos = 0
    for b, e in spans:
        assert b == pos, (path, "gap or overlap in data_offsets")
        pos = e
    assert pos == len(data), (path, "trailing bytes")
    return out, meta


# -----------------------------------------------------------------------------
# helpers


def random_state(model, rng):
    """Random weights of a reasonable scale for every parameter of `model` (float64 numpy)."""
    ln_weights = set()
    for mname, mod in model.named_modules():
        if isinstance(mod, torch.nn.LayerNorm):
            ln_weights.add(f"{mname}.weight")
    sd = {}
    for name, t in model.state_dict().items():
        shape = tuple(t.shape)
        if name in ln_weights:
            sd[name] = 1.0 + 0.1 * rng.standard_normal(shape)
        elif name.endswith("bias"):
            sd[name] = 0.1 * rng.standard_normal(shape)
        else:
            sd[name] = 0.2 * rng.standard_normal(shape)
    return sd


def load(model, sd):
    """Load float64 numpy arrays into a float64 model (strict) and put it in eval mode."""
    model.double().eval()
    model.load_state_dict({k: torch.from_numpy(np.asarray(v, dtype=np.float64)) for k, v in sd.items()}, strict=True)
    return model


@torch.no_grad()
def run(model, x, **kw):
    return model(torch.from_numpy(np.asarray(x, dtype=np.float64)), **kw).numpy()


def maxdiff(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def check(label, a, b, tol):
    d = maxdiff(a, b)
    status = "ok" if d < tol else "FAIL"
    print(f"  [{status}] {label}: max|d| = {d:.3g} (tol {tol:g})")
    if d >= tol:
        raise SystemExit(f"self-check failed: {label}")


def _json(obj, indent=0):
    """json.dumps(indent=2), but lists of scalars stay on one line."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(str(k))}: {_json(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        return "[\n" + ",\n".join(inner + _json(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj)


def write_json(path, obj):
    with open(path, "w") as f:
        f.write(_json(obj) + "\n")


def folder(name):
    p = os.path.join(FIXTURES, name)
    os.makedirs(p, exist_ok=True)
    return p


ST_META = {"format": "pt"}

IMAGENET_5 = ["tench", "goldfish", "great white shark", "tiger shark", "hammerhead"]
BIRDS_5 = ["cock", "hen", "ostrich", "brambling", "goldfinch"]
CATS_5 = ["tabby cat", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat"]
DOGS_5 = ["Chihuahua", "Japanese spaniel", "Maltese dog", "Pekinese", "Shih-Tzu"]
FASHION_5 = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat"]


# -----------------------------------------------------------------------------
# timm fixtures


def timm_config(arch, args, labels, mean, std, crop_pct, classifier="head"):
    img = args["img_size"]
    h, w = (img, img) if isinstance(img, int) else img
    return {
        "architecture": arch,
        "num_classes": len(labels),
        "num_features": args["embed_dim"],
        "global_pool": "token",
        "model_args": args,
        "label_names": labels,
        "pretrained_cfg": {
            "tag": "fixture",
            "custom_load": False,
            "input_size": [args.get("in_chans", 3), h, w],
            "fixed_input_size": True,
            "interpolation": "bicubic",
            "crop_pct": crop_pct,
            "crop_mode": "center",
            "mean": mean,
            "std": std,
            "num_classes": len(labels),
            "pool_size": None,
            "first_conv": "patch_embed.proj",
            "classifier": classifier,
        },
    }


def timm_from_config(cfg):
    a = cfg["model_args"]
    distilled = "distilled" in cfg["architecture"]
    cls = R.VisionTransformerDistilled if distilled else R.VisionTransformer
    return cls(img_size=a["img_size"], patch_size=a["patch_size"], in_chans=a.get("in_chans", 3),
               num_classes=cfg["num_classes"], embed_dim=a["embed_dim"], depth=a["depth"],
               num_heads=a["num_heads"], mlp_ratio=a.get("mlp_ratio", 4.0),
               qkv_bias=a.get("qkv_bias", True), eps=1e-6)


def input_shape(cfg):
    return tuple(cfg["pretrained_cfg"]["input_size"])


TIMM_BASE_ARGS = {"img_size": 16, "patch_size": 4, "embed_dim": 24, "depth": 2, "num_heads": 3, "mlp_ratio": 2.0}
VIT_MEAN, VIT_STD = [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]


def make_timm(name, cfg, seed, dtype="F32", gates=False):
    out = folder(name)
    rng = np.random.default_rng(seed)
    model = timm_from_config(cfg)
    sd = {k: round_to(v, dtype) for k, v in random_state(model, rng).items()}
    x = round_to(rng.standard_normal((2,) + input_shape(cfg)), "F32")
    load(model, sd)
    ref = {"pixel_values": x}
    if isinstance(model, R.VisionTransformerDistilled):
        with torch.no_grad():
            feats = model.forward_features(torch.from_numpy(x))
            a, b = model.forward_heads(feats)
        ref["logits"] = ((a + b) / 2).numpy()
        ref["cls_logits"], ref["distillation_logits"] = a.numpy(), b.numpy()
    else:
        ref["logits"] = run(model, x)
    write_json(os.path.join(out, "config.json"), cfg)
    write_safetensors(os.path.join(out, "model.safetensors"), sd, dtype=dtype, metadata=ST_META)
    if gates:
        D = cfg["model_args"]["embed_dim"]
        hidden = int(D * cfg["model_args"]["mlp_ratio"])
        g, glist = {}, []
        for i in range(cfg["model_args"]["depth"]):
            blk = {}
            for gname, n in (("qkv", D), ("attn", D), ("fc1", D), ("hidden", hidden)):
                v = round_to(rng.uniform(0.25, 1.75, size=(n,)), "F32")
                g[f"blocks.{i}.gate.{gname}"] = v
                blk[gname] = torch.from_numpy(v)
            glist.append(blk)
        ref["gated_logits"] = run(model, x, gates=glist)
        ones = [{k: torch.ones_like(v) for k, v in b.items()} for b in glist]
        check(f"{name}: gated forward with all gates 1 == plain forward", run(model, x, gates=ones), ref["logits"], 1e-12)
        write_safetensors(os.path.join(out, "gates.safetensors"), g, metadata=ST_META)
    write_safetensors(os.path.join(out, "reference.safetensors"), ref, metadata=ST_META)
    return model, sd, x, ref


# -----------------------------------------------------------------------------
# Hugging Face fixtures


def hf_config(kind, labels, version, dtype="float32", hidden=24, layers=2, heads=3, inter=48,
              image_size=16, patch=4, channels=3, eps=1e-12, qkv_bias=True):
    arch = {"vit": "ViTForImageClassification", "deit": "DeiTForImageClassificationWithTeacher"}[kind]
    cfg = {
        "architectures": [arch],
        "attention_probs_dropout_prob": 0.0,
        "encoder_stride": patch,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "hidden_size": hidden,
        "id2label": {str(i): n for i, n in enumerate(labels)},
        "image_size": image_size,
        "initializer_range": 0.02,
        "intermediate_size": inter,
        "label2id": {n: i for i, n in enumerate(labels)},
        "layer_norm_eps": eps,
        "model_type": kind,
        "num_attention_heads": heads,
        "num_channels": channels,
        "num_hidden_layers": layers,
        "patch_size": patch,
        "qkv_bias": qkv_bias,
    }
    if version == 4:
        cfg["torch_dtype"] = dtype
        cfg["transformers_version"] = "4.46.3"
    else:
        cfg["dtype"] = dtype
        cfg["transformers_version"] = "5.0.0"
    return cfg


def hf_preprocessor(cfg):
    s = cfg["image_size"]
    if cfg["model_type"] == "deit":
        return {
            "crop_size": {"height": s, "width": s},
            "do_center_crop": True,
            "do_normalize": True,
            "do_rescale": True,
            "do_resize": True,
            "image_mean": [0.485, 0.456, 0.406],
            "image_processor_type": "DeiTImageProcessor",
            "image_std": [0.229, 0.224, 0.225],
            "resample": 3,
            "rescale_factor": 0.00392156862745098,
            "size": {"height": s, "width": s},
        }
    return {
        "do_normalize": True,
        "do_rescale": True,
        "do_resize": True,
        "image_mean": [0.5, 0.5, 0.5],
        "image_processor_type": "ViTImageProcessor",
        "image_std": [0.5, 0.5, 0.5],
        "resample": 2,
        "rescale_factor": 0.00392156862745098,
        "size": {"height": s, "width": s},
    }


def hf_from_config(cfg):
    if cfg["architectures"][0] == "DeiTForImageClassificationWithTeacher":
        return R.HFDeiTForImageClassificationWithTeacher(cfg)
    return R.HFViTForImageClassification(cfg)


def make_hf(name, cfg, seed, dtype="F32"):
    out = folder(name)
    rng = np.random.default_rng(seed)
    model = hf_from_config(cfg)
    sd = {k: round_to(v, dtype) for k, v in random_state(model, rng).items()}  # v4 tree names
    x = round_to(rng.standard_normal((2, cfg["num_channels"], cfg["image_size"], cfg["image_size"])), "F32")
    load(model, sd)
    ref = {"pixel_values": x}
    if isinstance(model, R.HFDeiTForImageClassificationWithTeacher):
        with torch.no_grad():
            a, b = model.forward_heads(torch.from_numpy(x))
        ref["logits"] = ((a + b) / 2).numpy()
        ref["cls_logits"], ref["distillation_logits"] = a.numpy(), b.numpy()
    else:
        ref["logits"] = run(model, x)
    stored = sd if cfg["transformers_version"].startswith("4") else R.hf_v4_to_v5_keys(sd)
    write_json(os.path.join(out, "config.json"), cfg)
    write_json(os.path.join(out, "preprocessor_config.json"), hf_preprocessor(cfg))
    write_safetensors(os.path.join(out, "model.safetensors"), stored, dtype=dtype, metadata=ST_META)
    write_safetensors(os.path.join(out, "reference.safetensors"), ref, metadata=ST_META)
    return model, sd, x, ref


# -----------------------------------------------------------------------------
# VTP slim fixture


def slim_config(rng):
    D, hd = 24, 8

    def subset(n):
        return sorted(int(i) for i in rng.choice(D, size=n, replace=False))

    block_dims = [
        {"qkv_in": None, "heads": [0, 1, 2], "value_widths": [8, 8, 8], "fc1_in": None, "hidden": 48},
        {"qkv_in": subset(17), "heads": [0, 2], "value_widths": [5, 8], "fc1_in": subset(20), "hidden": 30},
        {"qkv_in": subset(13), "heads": [1], "value_widths": [3], "fc1_in": None, "hidden": 7},
    ]
    return {
        "format": "vit-pruning-studio",
        "format_version": 1,
        "architecture": "vit_tiny_patch16_224",
        "num_classes": 5,
        "label_names": FASHION_5,
        "img_size": [16, 16],
        "patch_size": 4,
        "in_chans": 3,
        "embed_dim": D,
        "depth": len(block_dims),
        "num_heads": 3,
        "head_dim": hd,
        "mlp_hidden": 48,
        "qkv_bias": True,
        "layer_norm_eps": 1e-6,
        "distilled": False,
        "block_dims": block_dims,
        "pretrained_cfg": {"input_size": [3, 16, 16], "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
    }


def make_slim(name, seed):
    out = folder(name)
    rng = np.random.default_rng(seed)
    cfg = slim_config(rng)
    model = R.SlimViT(cfg)
    sd = {k: round_to(v, "F32") for k, v in random_state(model, rng).items()}
    x = round_to(rng.standard_normal((2, cfg["in_chans"]) + tuple(cfg["img_size"])), "F32")
    load(model, sd)
    ref = {"pixel_values": x, "logits": run(model, x)}
    write_json(os.path.join(out, "config.json"), cfg)
    write_safetensors(os.path.join(out, "model.safetensors"), sd, metadata=ST_META)
    write_safetensors(os.path.join(out, "reference.safetensors"), ref, metadata=ST_META)
    return cfg, sd, ref


def fold_to_slim(full_sd, gates, cfg, value_dims, hidden_dims):
    """
    Physically slim a gated full timm model (DESIGN.md section 1), folding kept gate values into the
    weight columns that consume them. value_dims[i]: per kept head, the kept attention-output dims
    (global indices into D); hidden_dims[i]: kept MLP hidden dims.
    """
    hd = cfg["head_dim"]
    D = cfg["embed_dim"]
    sd = {k: v for k, v in full_sd.items() if not k.startswith("blocks.")}
    for i, bd in enumerate(cfg["block_dims"]):
        p = f"blocks.{i}."
        g = {k: gates[i][k].numpy() for k in gates[i]}
        qkv_in = list(range(D)) if bd["qkv_in"] is None else bd["qkv_in"]
        fc1_in = list(range(D)) if bd["fc1_in"] is None else bd["fc1_in"]
        W, b = full_sd[p + "attn.qkv.weight"], full_sd[p + "attn.qkv.bias"]
        Wq, Wk, Wv = W[:D], W[D:2 * D], W[2 * D:]
        bq, bk, bv = b[:D], b[D:2 * D], b[2 * D:]
        qrows = [h * hd + j for h in bd["heads"] for j in range(hd)]
        vrows = [d for dims in value_dims[i] for d in dims]
        a_qkv = g["qkv"][qkv_in]
        for n in ("norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias", "attn.proj.bias", "mlp.fc2.bias"):
            sd[p + n] = full_sd[p + n]
        sd[p + "attn.q.weight"] = Wq[qrows][:, qkv_in] * a_qkv
        sd[p + "attn.q.bias"] = bq[qrows]
        sd[p + "attn.k.weight"] = Wk[qrows][:, qkv_in] * a_qkv
        sd[p + "attn.k.bias"] = bk[qrows]
        sd[p + "attn.v.weight"] = Wv[vrows][:, qkv_in] * a_qkv
        sd[p + "attn.v.bias"] = bv[vrows]
        sd[p + "attn.proj.weight"] = full_sd[p + "attn.proj.weight"][:, vrows] * g["attn"][vrows]
        hid = hidden_dims[i]
        sd[p + "mlp.fc1.weight"] = full_sd[p + "mlp.fc1.weight"][hid][:, fc1_in] * g["fc1"][fc1_in]
        sd[p + "mlp.fc1.bias"] = full_sd[p + "mlp.fc1.bias"][hid]
        sd[p + "mlp.fc2.weight"] = full_sd[p + "mlp.fc2.weight"][:, hid] * g["hidden"][hid]
    return sd


def check_slim_equals_masked(cfg, seed):
    """Fold a gated full model into cfg's slim shapes; slim logits must equal the hard-masked gated model."""
    rng = np.random.default_rng(seed)
    D, H, hd, M = cfg["embed_dim"], cfg["num_heads"], cfg["head_dim"], cfg["mlp_hidden"]
    full = R.VisionTransformer(img_size=cfg["img_size"], patch_size=cfg["patch_size"], in_chans=cfg["in_chans"],
                               num_classes=cfg["num_classes"], embed_dim=D, depth=cfg["depth"], num_heads=H,
                               mlp_ratio=M / D, qkv_bias=True, eps=cfg["layer_norm_eps"])
    full_sd = random_state(full, rng)
    load(full, full_sd)
    gates, value_dims, hidden_dims = [], [], []
    for bd in cfg["block_dims"]:
        def gate(n, keep):
            a = np.zeros(n)
            a[keep] = rng.uniform(0.25, 1.75, size=len(keep))
            return a
        qkv_in = list(range(D)) if bd["qkv_in"] is None else bd["qkv_in"]
        fc1_in = list(range(D)) if bd["fc1_in"] is None else bd["fc1_in"]
        vd = [sorted(int(h * hd + j) for j in rng.choice(hd, size=w, replace=False))
              for h, w in zip(bd["heads"], bd["value_widths"])]
        hid = sorted(int(j) for j in rng.choice(M, size=bd["hidden"], replace=False))
        value_dims.append(vd)
        hidden_dims.append(hid)
        gates.append({"qkv": gate(D, qkv_in), "attn": gate(D, [d for v in vd for d in v]),
                      "fc1": gate(D, fc1_in), "hidden": gate(M, hid)})
    gates = [{k: torch.from_numpy(v) for k, v in g.items()} for g in gates]
    x = rng.standard_normal((3, cfg["in_chans"]) + tuple(cfg["img_size"]))
    masked = run(full, x, gates=gates)
    slim = load(R.SlimViT(cfg), fold_to_slim(full_sd, gates, cfg, value_dims, hidden_dims))
    check("slim (folded) == hard-masked gated full model", run(slim, x), masked, 1e-9)
    # nothing pruned, all gates 1: slim == plain full model
    ones = [{"qkv": torch.ones(D), "attn": torch.ones(D), "fc1": torch.ones(D), "hidden": torch.ones(M)}
            for _ in cfg["block_dims"]]
    cfg_all = dict(cfg, block_dims=[{"qkv_in": None, "heads": list(range(H)), "value_widths": [hd] * H,
                                     "fc1_in": None, "hidden": M} for _ in cfg["block_dims"]])
    slim_all = load(R.SlimViT(cfg_all), fold_to_slim(
        full_sd, [{k: v.double() for k, v in g.items()} for g in ones], cfg_all,
        [[list(range(h * hd, (h + 1) * hd)) for h in range(H)]] * len(ones), [list(range(M))] * len(ones)))
    check("slim with nothing pruned == plain full model", run(slim_all, x), run(full, x), 1e-9)


# -----------------------------------------------------------------------------
# verification from disk


def model_from_folder(path):
    with open(os.path.join(path, "config.json")) as f:
        cfg = json.load(f)
    if cfg.get("format") == "vit-pruning-studio":
        return R.SlimViT(cfg), cfg, None
    if "architecture" in cfg:
        return timm_from_config(cfg), cfg, None
    v5 = not cfg["transformers_version"].startswith("4")
    return hf_from_config(cfg), cfg, (R.hf_v5_to_v4_keys if v5 else None)


def verify_folder(path, expect=None):
    """Rebuild the model from disk only, re-run it, compare with reference.safetensors."""
    name = os.path.basename(path)
    model, cfg, rename = model_from_folder(path)
    w, meta = read_safetensors(os.path.join(path, "model.safetensors"))
    dtypes = {dt for dt, _ in w.values()}
    sd = {k: a for k, (_, a) in w.items()}
    if expect is not None:  # bit-exact read-back of what was written
        exp_sd, exp_ref = expect
        stored = exp_sd if rename is None else R.hf_v4_to_v5_keys(exp_sd)
        assert list(sd) == list(stored), name
        for k in sd:
            assert np.array_equal(sd[k], stored[k]), (name, k)
    if rename is not None:
        sd = rename(sd)
    load(model, sd)
    ref = {k: a for k, (_, a) in read_safetensors(os.path.join(path, "reference.safetensors"))[0].items()}
    if expect is not None:
        for k, a in exp_ref.items():
            assert np.array_equal(ref[k], round_to(a, "F32")), (name, k)
    logits = run(model, ref["pixel_values"])
    check(f"{name} ({'/'.join(sorted(dtypes))}): rebuilt from disk, logits vs reference", logits, ref["logits"], 1e-5)
    gpath = os.path.join(path, "gates.safetensors")
    if os.path.exists(gpath):
        g = read_safetensors(gpath)[0]
        depth = len(model.blocks)
        gates = [{n: torch.from_numpy(g[f"blocks.{i}.gate.{n}"][1]) for n in ("qkv", "attn", "fc1", "hidden")}
                 for i in range(depth)]
        check(f"{name}: gated logits rebuilt from disk", run(model, ref["pixel_values"], gates=gates),
              ref["gated_logits"], 1e-5)
    size = sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))
    print(f"  {name}: {size / 1024:.1f} KB, logits[0] = {np.round(ref['logits'][0], 3).tolist()}")
    return size


ALL = ["timm-vit", "timm-deit-distilled", "timm-vit-noqkvbias", "timm-vit-bf16",
       "hf-v4-vit", "hf-v4-vit-f16", "hf-v4-deit-teacher", "hf-v5-vit", "hf-v5-deit-teacher", "vtp-slim"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only verify the fixtures already on disk")
    args = ap.parse_args()

    if args.check:
        total = sum(verify_folder(os.path.join(FIXTURES, n)) for n in ALL)
        print(f"all fixtures verified, {total / 1024:.1f} KB")
        return

    written = {}
    print("writing fixtures to", os.path.relpath(FIXTURES, ROOT))

    # 1. timm ViT (+ VTP gates) and 8. the same weights stored as BF16
    vit_cfg = timm_config("vit_tiny_patch16_224", dict(TIMM_BASE_ARGS), IMAGENET_5, VIT_MEAN, VIT_STD, 0.9)
    m, sd, x, ref = make_timm("timm-vit", vit_cfg, seed=1, gates=True)
    written["timm-vit"] = (sd, ref)
    hf = load(R.HFViTForImageClassification(dict(hf_config("vit", IMAGENET_5, 4), layer_norm_eps=1e-6)),
              R.timm_to_hf_v4_keys(sd))
    check("timm-vit weights remapped to HF v4 ViT: same logits", run(hf, x), ref["logits"], 1e-6)
    _, sd, _, ref = make_timm("timm-vit-bf16", vit_cfg, seed=1, dtype="BF16")
    written["timm-vit-bf16"] = (sd, ref)

    # 2. timm DeiT distilled: rectangular 12x16, 1 channel
    deit_args = dict(TIMM_BASE_ARGS, img_size=[12, 16], in_chans=1, qkv_bias=True)
    deit_cfg = timm_config("deit_tiny_distilled_patch16_224", deit_args, BIRDS_5, [0.2860], [0.3530], 0.875,
                           classifier=["head", "head_dist"])
    m, sd, x, ref = make_timm("timm-deit-distilled", deit_cfg, seed=2)
    written["timm-deit-distilled"] = (sd, ref)
    hcfg = dict(hf_config("deit", BIRDS_5, 4, channels=1), layer_norm_eps=1e-6, image_size=[12, 16])
    hf = load(R.HFDeiTForImageClassificationWithTeacher(hcfg), R.timm_to_hf_v4_keys(sd, distilled=True))
    check("timm-deit-distilled remapped to HF v4 DeiT teacher: same logits", run(hf, x), ref["logits"], 1e-6)

    # 3. timm ViT without qkv bias, 2 heads of 12
    nb_cfg = timm_config("vit_tiny_patch16_224", dict(TIMM_BASE_ARGS, num_heads=2, qkv_bias=False), DOGS_5,
                         VIT_MEAN, VIT_STD, 0.9)
    m, sd, x, ref = make_timm("timm-vit-noqkvbias", nb_cfg, seed=3)
    written["timm-vit-noqkvbias"] = (sd, ref)
    hf = load(R.HFViTForImageClassification(dict(hf_config("vit", DOGS_5, 4, heads=2, qkv_bias=False),
                                                  layer_norm_eps=1e-6)), R.timm_to_hf_v4_keys(sd))
    check("timm-vit-noqkvbias remapped to HF v4 ViT: same logits", run(hf, x), ref["logits"], 1e-6)

    # 4-7. Hugging Face v4 / v5, ViT and DeiT with teacher; F16 copy of the v4 ViT
    _, sd, x, ref = make_hf("hf-v4-vit", hf_config("vit", CATS_5, 4), seed=4)
    written["hf-v4-vit"] = (sd, ref)
    _, sd16, _, ref16 = make_hf("hf-v4-vit-f16", hf_config("vit", CATS_5, 4, dtype="float16"), seed=4, dtype="F16")
    written["hf-v4-vit-f16"] = (sd16, ref16)
    print(f"  (hf-v4-vit-f16 vs hf-v4-vit: F16 rounding moves logits by {maxdiff(ref16['logits'], ref['logits']):.3g})")
    _, sd, _, ref = make_hf("hf-v4-deit-teacher", hf_config("deit", BIRDS_5, 4), seed=5)
    written["hf-v4-deit-teacher"] = (sd, ref)
    _, sd, x, ref = make_hf("hf-v5-vit", hf_config("vit", CATS_5, 5), seed=6)
    written["hf-v5-vit"] = (sd, ref)
    v4 = load(R.HFViTForImageClassification(hf_config("vit", CATS_5, 4)),
              R.hf_v5_to_v4_keys(R.hf_v4_to_v5_keys(sd)))
    check("hf-v5-vit keys -> v4 tree round trip: same logits", run(v4, x), ref["logits"], 1e-12)
    _, sd, _, ref = make_hf("hf-v5-deit-teacher", hf_config("deit", BIRDS_5, 5), seed=7)
    written["hf-v5-deit-teacher"] = (sd, ref)

    # 9. the project's slim format
    slim_cfg, sd, ref = make_slim("vtp-slim", seed=9)
    written["vtp-slim"] = (sd, ref)
    check_slim_equals_masked(slim_cfg, seed=10)

    print("verifying from disk")
    total = 0
    for n in ALL:
        p = os.path.join(FIXTURES, n)
        total += verify_folder(p, expect=written[n])
    print(f"done: {len(ALL)} fixtures, {total / 1024:.1f} KB in all")


if __name__ == "__main__":
    main()
