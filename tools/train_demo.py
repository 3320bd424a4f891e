"""
Train the studio's demo model "fmnist-vit-s" on Fashion-MNIST (DESIGN.md sections 2-3) and ship it
as a timm-style hub folder in public/models/fmnist-vit-s/ (config.json + model.safetensors).

Model: timm VisionTransformer (tools/torch_reference.py), 28x28x1, patch 4 (49 patches + class
token), D 128, 6 blocks, 4 heads, MLP 512, GELU (erf), LayerNorm eps 1e-6, qkv bias, 10 classes.

Recipe: pixels / 255, normalised with mean 0.2860, std 0.3530; AdamW lr 2e-3, weight decay 0.05
(none on biases, norms, cls_token, pos_embed), batch 512, 5% linear warm-up then cosine decay to 0
(per step), label smoothing 0.1; augmentation: random shift of up to 2 px (zero-pad 2, random
28x28 crop) and horizontal flip (p 0.5).

Usage (from the repository root; Debian's python3-torch on CPU; OMP_WAIT_POLICY=PASSIVE saves ~25% CPU
when the cores are shared, because idle OpenMP threads then sleep instead of spinning):

    nice -n 10 /usr/bin/python3 tools/train_demo.py --epochs 14           # train, then export
    nice -n 10 /usr/bin/python3 tools/train_demo.py --epochs 14 --resume  # continue after a crash
    /usr/bin/python3 tools/train_demo.py --time-subset 5120               # time 10 steps, no training run
    /usr/bin/python3 tools/train_demo.py --export-only                    # re-export from the checkpoint
    # optional second cosine cycle from the exported weights (fresh optimizer and schedule):
    nice -n 10 /usr/bin/python3 tools/train_demo.py --init public/models/fmnist-vit-s/model.safetensors \
        --epochs 4 --lr 5e-4 --ckpt /tmp/fmnist-vit-s-cycle2.pt

A checkpoint (model, optimizer, step, RNG state, history) is written atomically to --ckpt after
every epoch. The export also writes tests/fixtures/fmnist-vit-s-reference.safetensors: the first 8
normalised test images (pixel_values [8,1,28,28] F32) and the logits of the exported model on them
(computed in float64 from the exact F32 weights, stored as F32 `logits` [8,10]), plus `labels`.
"""

import argparse
import datetime
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_reference as R  # noqa: E402
from idx_file import read_idx  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = "/usr/share/datasets/fashion-mnist"
OUT_DIR = os.path.join(ROOT, "public", "models", "fmnist-vit-s")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "fmnist-vit-s-reference.safetensors")

MEAN, STD = 0.2860, 0.3530
LABEL_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
MODEL_ARGS = {"img_size": 28, "patch_size": 4, "in_chans": 1, "embed_dim": 128, "depth": 6,
              "num_heads": 4, "mlp_ratio": 4.0, "qkv_bias": True}


# -----------------------------------------------------------------------------
# data


def load_split(split):
    """split 'train' or 't10k' -> (images uint8 tensor [n, 28, 28], labels int64 tensor [n])."""
    x = read_idx(os.path.join(DATA_DIR, f"{split}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(DATA_DIR, f"{split}-labels-idx1-ubyte.gz"))
    return torch.from_numpy(x.copy()), torch.from_numpy(y.astype(np.int64))


def normalise(x_u8):
    """uint8 [B, 28, 28] -> float32 [B, 1, 28, 28], (x / 255 - mean) / std."""
    return ((x_u8.float() / 255.0 - MEAN) / STD).unsqueeze(1)


def augment(x_u8, gen, pad=2, flip_p=0.5):
    """Random shift of up to `pad` px (zero-pad, random crop) and horizontal flip (probability flip_p), on uint8
    [B, H, W]; pad 0 and flip_p 0 return the images unchanged."""
    if pad == 0 and flip_p == 0:
        return x_u8
    B, H, W = x_u8.shape
    xp = F.pad(x_u8, (pad, pad, pad, pad))  # [B, H+2p, W+2p], zeros = background
    dy = torch.randint(0, 2 * pad + 1, (B,), generator=gen)
    dx = torch.randint(0, 2 * pad + 1, (B,), generator=gen)
    rows = dy[:, None] + torch.arange(H)[None, :]  # [B, H]
    cols = dx[:, None] + torch.arange(W)[None, :]  # [B, W]
    out = xp[torch.arange(B)[:, None, None], rows[:, :, None], cols[:, None, :]]  # [B, H, W]
    flip = torch.rand(B, generator=gen) < flip_p
    out = torch.where(flip[:, None, None], out.flip(-1), out)
    return out


# -----------------------------------------------------------------------------
# model


def make_model():
    a = MODEL_ARGS
    return R.VisionTransformer(img_size=a["img_size"], patch_size=a["patch_size"], in_chans=a["in_chans"],
                               num_classes=10, embed_dim=a["embed_dim"], depth=a["depth"],
                               num_heads=a["num_heads"], mlp_ratio=a["mlp_ratio"], qkv_bias=a["qkv_bias"],
                               eps=1e-6)


def init_weights(model):
    """timm-like init: trunc-normal(0.02) linear/conv weights and pos_embed, zero biases, cls 1e-6."""
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.trunc_normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    nn.init.trunc_normal_(model.pos_embed, std=0.02)
    nn.init.normal_(model.cls_token, std=1e-6)


def param_groups(model, wd):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p.ndim <= 1 or name in ("cls_token", "pos_embed"):
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


def lr_at(step, total, warmup, base):
    if step < warmup:
        return base * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return base * 0.5 * (1.0 + math.cos(math.pi * min(1.0, t)))


@torch.no_grad()
def evaluate(model, x_u8, y, bs=1000):
    model.eval()
    correct = 0
    for i in range(0, len(y), bs):
        logits = model(normalise(x_u8[i:i + bs]))
        correct += (logits.argmax(-1) == y[i:i + bs]).sum().item()
    model.train()
    return correct / len(y)


# -----------------------------------------------------------------------------
# safetensors (tiny writer/reader: F32, F64, I32, I64, U8)

_NP = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "I64": "<i8", "U8": "u1"}


def write_safetensors(path, tensors, metadata=None):
    """tensors: dict name -> (dtype, numpy array); insertion order, contiguous offsets, header padded to 8."""
    header, blobs, off = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dt, arr) in tensors.items():
        data = np.ascontiguousarray(np.asarray(arr).astype(_NP[dt])).tobytes()
        header[name] = {"dtype": dt, "shape": list(np.shape(arr)), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((-len(hjson)) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", None)
    data = raw[8 + n:]
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(data[b:e], dtype=_NP[info["dtype"]]).reshape(info["shape"])
    return out, meta


# -----------------------------------------------------------------------------
# checkpoint / export


def save_ckpt(path, state):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def export(model, test_x, test_y, training_info):
    os.makedirs(OUT_DIR, exist_ok=True)
    sd = {k: v.detach().to(torch.float32).contiguous() for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(OUT_DIR, "model.safetensors"),
                      {k: ("F32", v.numpy()) for k, v in sd.items()}, metadata={"format": "pt"})
    config = {
        "architecture": "vit_small_patch4_28",
        "num_classes": 10,
        "num_features": 128,
        "global_pool": "token",
        "model_args": dict(MODEL_ARGS),
        "label_names": LABEL_NAMES,
        "pretrained_cfg": {
            "input_size": [1, 28, 28], "mean": [0.286], "std": [0.353], "num_classes": 10,
            "first_conv": "patch_embed.proj", "classifier": "head", "interpolation": "bilinear",
            "crop_pct": 1.0,
        },
        "training": training_info,
    }
    with open(os.path.join(OUT_DIR, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")

    # Verify: rebuild from the file alone, run in float64 on the first 8 normalised test images.
    tensors, _ = read_safetensors(os.path.join(OUT_DIR, "model.safetensors"))
    m64 = make_model().double().eval()
    m64.load_state_dict({k: torch.from_numpy(v.astype(np.float64)) for k, v in tensors.items()}, strict=True)
    px = normalise(test_x[:8])  # float32 [8, 1, 28, 28]
    with torch.no_grad():
        logits64 = m64(px.double())
        logits32 = model.eval()(px)
    model.train()
    d = (logits64 - logits32.double()).abs().max().item()
    assert d < 1e-3, f"float64 vs float32 logits differ by {d}"
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    write_safetensors(FIXTURE, {
        "pixel_values": ("F32", px.numpy()),
        "logits": ("F32", logits64.numpy()),
        "labels": ("I32", test_y[:8].numpy()),
    }, metadata={"model": "public/models/fmnist-vit-s", "inputs": "first 8 Fashion-MNIST test images, "
                 "(x/255 - 0.286)/0.353", "logits": "float64 torch reference (tools/torch_reference.py) "
                 "on the exact F32 weights, stored as F32"})
    print(f"exported {OUT_DIR} and {FIXTURE} (f64 vs f32 max |d logits| {d:.2e}); "
          f"predictions {logits64.argmax(-1).tolist()} labels {test_y[:8].tolist()}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=14)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--wd", type=float, default=0.05)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--warmup-frac", type=float, default=0.05)
    ap.add_argument("--smoothing", type=float, default=0.1)
    ap.add_argument("--shift", type=int, default=2, help="augmentation: random shift of up to this many px (0: none)")
    ap.add_argument("--flip", type=float, default=0.5, help="augmentation: horizontal-flip probability (0: none)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt", default="/tmp/fmnist-vit-s-ckpt.pt")
    ap.add_argument("--resume", action="store_true", help="continue from --ckpt")
    ap.add_argument("--init", default=None, help="start from these weights (.safetensors) with a fresh schedule")
    ap.add_argument("--export-only", action="store_true", help="export the model in --ckpt and exit")
    ap.add_argument("--time-subset", type=int, default=0, help="time training on this many images, then exit")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, train_y = load_split("train")
    test_x, test_y = load_split("t10k")

    model = make_model()
    init_weights(model)
    if args.init:
        tensors, _ = read_safetensors(args.init)
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
        print(f"initialised from {args.init}: test acc {evaluate(model, test_x, test_y):.4f}", flush=True)
    opt = torch.optim.AdamW(param_groups(model, args.wd), lr=args.lr, betas=(0.9, 0.999))
    steps_per_epoch = math.ceil(len(train_y) / args.batch)
    total = args.epochs * steps_per_epoch
    warmup = max(1, round(args.warmup_frac * total))
    gen = torch.Generator().manual_seed(args.seed)
    start_epoch, step, history, elapsed = 0, 0, [], 0.0

    if args.resume or args.export_only:
        ck = torch.load(args.ckpt)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        gen.set_state(ck["gen"])
        torch.set_rng_state(ck["torch_rng"])
        start_epoch, step, history, elapsed = ck["epoch"], ck["step"], ck["history"], ck["elapsed"]
        if ck["args"]["epochs"] != args.epochs and not args.export_only:
            # allowed (the cosine schedule is stretched from here on); recorded in the history
            print(f"note: --epochs changed from {ck['args']['epochs']} to {args.epochs} on resume", flush=True)
            history.append({"note": f"epochs changed {ck['args']['epochs']} -> {args.epochs} after epoch {start_epoch}"})
            total = args.epochs * steps_per_epoch
            warmup = max(1, round(args.warmup_frac * total))
        print(f"resumed from {args.ckpt} at epoch {start_epoch} (step {step})", flush=True)
        if args.export_only:
            args = argparse.Namespace(**{**vars(args), **ck["args"], "export_only": True})

    if args.time_subset:
        n = args.time_subset
        t0 = time.time()
        for i in range(0, n, args.batch):
            xb = normalise(augment(train_x[i:i + args.batch], gen))
            loss = F.cross_entropy(model(xb), train_y[i:i + args.batch], label_smoothing=args.smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        dt = time.time() - t0
        t1 = time.time()
        evaluate(model, test_x, test_y)
        de = time.time() - t1
        print(f"{n} images in {dt:.1f}s -> {dt * len(train_y) / n / 60:.2f} min per train epoch; "
              f"test eval {de:.1f}s", flush=True)
        return

    if not args.export_only:
        print(f"training {args.epochs} epochs x {steps_per_epoch} steps, warm-up {warmup} steps, "
              f"threads {torch.get_num_threads()}", flush=True)
        model.train()
        for epoch in range(start_epoch, args.epochs):
            t0 = time.time()
            perm = torch.randperm(len(train_y), generator=gen)
            tot_loss, tot_correct, seen = 0.0, 0, 0
            for i in range(0, len(train_y), args.batch):
                idx = perm[i:i + args.batch]
                xb = normalise(augment(train_x[idx], gen, args.shift, args.flip))
                yb = train_y[idx]
                lr = lr_at(step, total, warmup, args.lr)
                for g in opt.param_groups:
                    g["lr"] = lr
                logits = model(xb)
                loss = F.cross_entropy(logits, yb, label_smoothing=args.smoothing)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                step += 1
                tot_loss += loss.item() * len(yb)
                tot_correct += (logits.argmax(-1) == yb).sum().item()
                seen += len(yb)
            train_time = time.time() - t0
            acc = evaluate(model, test_x, test_y)
            ep_time = time.time() - t0
            elapsed += ep_time
            rec = {"epoch": epoch + 1, "train_loss": round(tot_loss / seen, 4),
                   "train_acc": round(tot_correct / seen, 4), "test_acc": acc, "epoch_s": round(ep_time, 1)}
            history.append(rec)
            print(f"epoch {epoch + 1:3d}/{args.epochs}  train loss {tot_loss / seen:.4f}  "
                  f"train acc {tot_correct / seen:.4f}  test acc {acc:.4f}  lr {lr:.2e}  "
                  f"time {train_time:.0f}s+{ep_time - train_time:.0f}s  total {elapsed / 60:.1f} min", flush=True)
            save_ckpt(args.ckpt, {"model": model.state_dict(), "opt": opt.state_dict(), "gen": gen.get_state(),
                                  "torch_rng": torch.get_rng_state(), "epoch": epoch + 1, "step": step,
                                  "history": history, "elapsed": elapsed, "args": vars(args)})

    acc = evaluate(model, test_x, test_y)
    info = {
        "dataset": "Fashion-MNIST (60,000 train / 10,000 test)",
        "epochs": args.epochs,
        "batch_size": args.batch,
        "optimizer": f"AdamW lr {args.lr:g}, betas (0.9, 0.999), weight decay {args.wd:g} "
                     "(not on biases, norms, cls_token, pos_embed)",
        "schedule": f"{args.warmup_frac:.0%} linear warm-up then cosine decay to 0, per step",
        "label_smoothing": args.smoothing,
        "augmentation": (f"random shift up to {args.shift} px (zero-pad {args.shift} + random 28x28 crop), "
                         f"horizontal flip p={args.flip:g}") if args.shift or args.flip else "none",
        "normalisation": "x/255, mean 0.2860, std 0.3530",
        "init": args.init or "timm-style (trunc_normal 0.02, zero biases)",
        "seed": args.seed,
        "test_accuracy": round(acc, 4),
        "train_time_min": round(elapsed / 60, 1),
        "hardware": "CPU, 2 cores (torch threads 2), shared",
        "script": "tools/train_demo.py",
        "date": datetime.date.today().isoformat(),
        "history": [{k: h[k] for k in ("epoch", "test_acc")} if "epoch" in h else h for h in history],
    }
    if args.init:  # a second cycle: keep the record of the run it started from
        prev = os.path.join(os.path.dirname(os.path.abspath(args.init)), "config.json")
        if os.path.exists(prev):
            with open(prev) as f:
                info["previous"] = json.load(f).get("training")
    export(model, test_x, test_y, info)
    print(f"final test accuracy {acc:.4f} ({round(acc * len(test_y))}/{len(test_y)}) after {args.epochs} epochs, "
          f"{elapsed / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
