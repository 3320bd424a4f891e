"""
Explore VTP score-training settings on the demo model in PyTorch (CPU), to choose the engine's defaults.

The engine (TypeScript) is the product; this script is a faster stand-in for trying many settings:
the same gated forward (tools/torch_reference.py), the same score optimiser (Adam, no weight decay,
5% warm-up then cosine decay), the same shift augmentation, the same pruning rule (global threshold,
at least one dim kept per gate, a head without value dims dropped) and the same cost formulas
(docs/method.md). Scores are trained on the shipped 2,000-image sample with the weights frozen;
accuracy is measured on the Fashion-MNIST test set with the hard-masked model (equal to the slim one).

    /usr/bin/python3 tools/vtp_explore.py --steps 300 --batch 64 --loss ce --rank abs --json out.json
    /usr/bin/python3 tools/vtp_explore.py --head-gates --head-test 4,8,12 --targets ""   # heads ranked by a learned gate

Rows: for each MACs-saved target, the smallest removal giving at least that saving, for VTP folded,
VTP binary masks (kept scores set to 1) and weight magnitude.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_demo as TD  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GATES = ("qkv", "attn", "fc1", "hidden")
N_TOK, D, HD, H, U, DEPTH, CLASSES, NP, KERNEL = 50, 128, 32, 4, 512, 6, 10, 49, 16


def load_model(path):
    model = TD.make_model()
    tensors, _ = TD.read_safetensors(path)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def load_sample():
    t, _ = TD.read_safetensors(os.path.join(ROOT, "public", "data", "fmnist-sample.safetensors"))
    return torch.from_numpy(t["train_images"].copy()), torch.from_numpy(t["train_labels"].astype(np.int64))


def shift(x_u8, gen, pad=2):
    """Random shift of up to `pad` px with zero fill, no flip (the engine's default augmentation). [B, H, W]."""
    B, Hh, W = x_u8.shape
    xp = F.pad(x_u8, (pad, pad, pad, pad))  # [B, H+2p, W+2p]
    dy = torch.randint(0, 2 * pad + 1, (B,), generator=gen)
    dx = torch.randint(0, 2 * pad + 1, (B,), generator=gen)
    rows = dy[:, None] + torch.arange(Hh)[None, :]
    cols = dx[:, None] + torch.arange(W)[None, :]
    return xp[torch.arange(B)[:, None, None], rows[:, :, None], cols[:, None, :]]  # [B, H, W]


def ones_gates():
    return [{"qkv": torch.ones(D), "attn": torch.ones(D), "fc1": torch.ones(D), "hidden": torch.ones(U)}
            for _ in range(DEPTH)]


def lr_at(step, total, base, warm_frac=0.05):
    warm = min(total, math.ceil(warm_frac * total))
    if step < warm:
        return base * (step + 1) / warm
    t = min(1.0, (step - warm) / max(1, total - warm))
    return base * 0.5 * (1 + math.cos(math.pi * t))


def kd_loss(student, teacher, T):
    """T²·KL(softmax(teacher/T) ‖ softmax(student/T)), mean over the batch."""
    p = F.log_softmax(teacher / T, -1)
    q = F.log_softmax(student / T, -1)
    return (T * T) * (p.exp() * (p - q)).sum(-1).mean()


def with_head_gates(gates, heads):
    """Gates whose attn gate is scaled per head by a learned head gate [H] (each head's HD value dims share it)."""
    if heads is None:
        return gates
    return [{**b, "attn": b["attn"] * h.repeat_interleave(HD)} for b, h in zip(gates, heads)]


def train_scores(model, x, y, args):
    """Trained VTP scores, and (with --head-gates) one learned gate per head [H] per block, else None."""
    gates = [{g: v.clone().requires_grad_(True) for g, v in b.items()} for b in ones_gates()]
    heads = [torch.ones(H, requires_grad=True) for _ in range(DEPTH)] if args.head_gates else None
    params = [v for b in gates for v in b.values()] + (heads or [])
    opt = torch.optim.Adam(params, lr=args.lr)
    gen = torch.Generator().manual_seed(args.seed)
    n = len(y)
    perm, at = torch.randperm(n, generator=gen), 0
    for step in range(args.steps):
        if at + args.batch > n:
            perm, at = torch.randperm(n, generator=gen), 0
        idx = perm[at:at + args.batch]
        at += args.batch
        xb = TD.normalise(shift(x[idx], gen) if args.shift else x[idx])
        logits = model(xb, gates=with_head_gates(gates, heads))
        if args.loss == "ce":
            task = F.cross_entropy(logits, y[idx], label_smoothing=args.smoothing)
        else:
            with torch.no_grad():
                teacher = model(xb)
            task = kd_loss(logits, teacher, args.T)
            if args.loss == "mix":
                task = args.alpha * F.cross_entropy(logits, y[idx]) + (1 - args.alpha) * task
        l1 = sum(v.abs().sum() for v in params)
        loss = task + args.l1 * l1
        for gparam in opt.param_groups:
            gparam["lr"] = lr_at(step, args.steps, args.lr)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if (step + 1) % max(1, args.steps // 10) == 0:
            near0 = sum((v.abs() < 0.05).sum().item() for v in params) / sum(v.numel() for v in params)
            print(f"  step {step + 1}/{args.steps} task {task.item():.4f} L1 {l1.item():.0f} near-zero {near0:.3f}",
                  flush=True)
    return ([{g: v.detach().clone() for g, v in b.items()} for b in gates],
            None if heads is None else [h.detach().clone() for h in heads])


def head_keys(scores, heads):
    """Head ranking keys [(key, block, head)]: the learned head gate |g| when given, else the mean |a| of the head's value dims."""
    rows = []
    for bi, b in enumerate(scores):
        per_head = b["attn"].abs().view(H, HD).mean(1)  # [H]
        keys = heads[bi].abs() if heads is not None else per_head
        rows += [(k, bi, h) for h, k in enumerate(keys.tolist())]
    return sorted(rows)


def head_removal_rows(model, scores, heads, counts, tx, ty, teacher_pred, full_macs):
    """Accuracy with only whole heads removed (binary masks, every other gate 1), lowest-ranked first."""
    ranked, rows = head_keys(scores, heads), []
    for count in counts:
        keep = [{g: torch.ones(D if g != "hidden" else U, dtype=torch.bool) for g in GATES} for _ in range(DEPTH)]
        for _, bi, h in ranked[:count]:
            keep[bi]["attn"][h * HD:(h + 1) * HD] = False
        acc, agree = accuracy(model, masked(scores, keep, False), tx, ty, teacher_pred)
        macs, _ = macs_params(keep)
        rows.append({"heads_removed": count, "head_rank": "learned gate" if heads is not None else "mean |a| of value dims",
                     "macs_saved": round(1 - macs / full_macs, 4), "binary": round(acc, 4), "binary_agree": round(agree, 4),
                     "removed": [[bi, h] for _, bi, h in ranked[:count]]})
    return rows


def magnitude_scores(model):
    out = []
    for blk in model.blocks:
        w = blk.attn.qkv.weight  # [3D, D] rows q|k|v
        out.append({"qkv": w.pow(2).sum(0).sqrt(), "attn": blk.attn.proj.weight.pow(2).sum(0).sqrt(),
                    "fc1": blk.mlp.fc1.weight.pow(2).sum(0).sqrt(), "hidden": blk.mlp.fc2.weight.pow(2).sum(0).sqrt()})
    return out


def macs_params(keep):
    """MACs and params per image of the model with these kept dims (bool tensors per block and gate)."""
    macs = NP * KERNEL * D + D * CLASSES
    params = KERNEL * D + D + D + N_TOK * D + 2 * D + D * CLASSES + CLASSES
    for b in keep:
        k, m, u = int(b["qkv"].sum()), int(b["fc1"].sum()), int(b["hidden"].sum())
        per_head = b["attn"].view(H, HD).sum(1)
        v, h = int(per_head.sum()), int((per_head > 0).sum())
        qkv_out = 2 * HD * h + v
        macs += N_TOK * k * qkv_out + N_TOK ** 2 * HD * h + N_TOK ** 2 * v + N_TOK * v * D + N_TOK * m * u + N_TOK * u * D
        params += 4 * D + k * qkv_out + qkv_out + v * D + D + m * u + u + u * D + D
    return macs, params


def dim_costs():
    """MACs one dim costs in the full model, per gate (docs/method.md): qkv n·(2·hd·h+v), value n²+n·D+n·k, fc1 n·u, hidden n·(m+D)."""
    return {"qkv": N_TOK * 3 * D, "attn": N_TOK ** 2 + N_TOK * D + N_TOK * D, "fc1": N_TOK * U, "hidden": N_TOK * 2 * D}


def ranking(scores, mode):
    """Flat list of (key, block, gate, index) sorted most-removable first."""
    costs = dim_costs()
    rows = []
    for bi, b in enumerate(scores):
        for g in GATES:
            s = b[g].abs()
            if mode == "gatenorm":
                s = s / s.mean().clamp_min(1e-12)
            elif mode == "cost":
                s = s / costs[g]
            for j, val in enumerate(s.tolist()):
                rows.append((val, bi, g, j))
    rows.sort(key=lambda r: r[0])  # stable: ties by position
    return rows


def keep_for(rows, count):
    keep = [{g: torch.ones(D if g != "hidden" else U, dtype=torch.bool) for g in GATES} for _ in range(DEPTH)]
    for _, bi, g, j in rows[:count]:
        keep[bi][g][j] = False
    for b, block in enumerate(keep):  # every gate keeps at least one dim (its best)
        for g in GATES:
            if not block[g].any():
                best = max((r for r in rows if r[1] == b and r[2] == g), key=lambda r: r[0])
                block[g][best[3]] = True
    return keep


def keep_at_target(rows, target, full_macs):
    """Smallest removal count whose model saves at least `target` of the MACs (binary search)."""
    lo, hi = 0, len(rows) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        macs, _ = macs_params(keep_for(rows, mid))
        if 1 - macs / full_macs >= target:
            hi = mid
        else:
            lo = mid + 1
    return lo, keep_for(rows, lo)


@torch.no_grad()
def accuracy(model, gates, x, y, teacher_pred=None, bs=1000):
    correct, agree = 0, 0
    for i in range(0, len(y), bs):
        pred = model(TD.normalise(x[i:i + bs]), gates=gates).argmax(-1)
        correct += (pred == y[i:i + bs]).sum().item()
        if teacher_pred is not None:
            agree += (pred == teacher_pred[i:i + bs]).sum().item()
    return correct / len(y), (agree / len(y) if teacher_pred is not None else None)


def masked(scores, keep, fold):
    return [{g: (scores[b][g] if fold else torch.ones_like(scores[b][g])) * keep[b][g].float() for g in GATES}
            for b in range(DEPTH)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(ROOT, "public", "models", "fmnist-vit-s", "model.safetensors"))
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-2)
    ap.add_argument("--l1", type=float, default=1e-4)
    ap.add_argument("--loss", choices=["ce", "kd", "mix"], default="ce")
    ap.add_argument("--T", type=float, default=2.0)
    ap.add_argument("--alpha", type=float, default=0.5)
    ap.add_argument("--smoothing", type=float, default=0.0)
    ap.add_argument("--no-shift", dest="shift", action="store_false")
    ap.add_argument("--rank", default="abs", help="comma list of abs, gatenorm, cost")
    ap.add_argument("--targets", default="0.2,0.4,0.6")
    ap.add_argument("--magnitude", action="store_true", help="also the weight-magnitude column")
    ap.add_argument("--test-limit", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", default=None)
    ap.add_argument("--head-gates", action="store_true", help="also learn one gate per head (same L1), used to rank heads")
    ap.add_argument("--head-test", default="", help="comma list of head counts: accuracy with only that many whole heads removed")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    model = load_model(args.model)
    sx, sy = load_sample()
    tx, ty = TD.load_split("t10k")
    tx, ty = tx[:args.test_limit], ty[:args.test_limit]
    with torch.no_grad():
        teacher_pred = torch.cat([model(TD.normalise(tx[i:i + 1000])).argmax(-1) for i in range(0, len(ty), 1000)])
    base = (teacher_pred == ty).float().mean().item()
    full_macs, full_params = macs_params(keep_for([], 0))
    print(f"model {args.model}: test acc {base:.4f} on {len(ty)}; {full_macs / 1e6:.1f}M MACs", flush=True)

    t0 = time.time()
    scores, heads = train_scores(model, sx, sy, args)
    train_s = time.time() - t0
    gated, _ = accuracy(model, with_head_gates(scores, heads), tx, ty)
    print(f"score training {train_s:.0f}s; gated model acc {gated:.4f}", flush=True)
    out = {"args": vars(args), "base": base, "gated": gated, "train_s": round(train_s), "rows": []}
    if args.head_test:
        for row in head_removal_rows(model, scores, heads, [int(c) for c in args.head_test.split(",")], tx, ty, teacher_pred, full_macs):
            out["rows"].append(row)
            print(json.dumps(row), flush=True)
        if heads is not None:
            out["head_gates"] = [h.tolist() for h in heads]
        scores = with_head_gates(scores, heads)
    criteria = [(r, scores) for r in args.rank.split(",")] + ([("magnitude", magnitude_scores(model))] if args.magnitude else [])
    for target in [float(t) for t in args.targets.split(",") if t]:
        for name, s in criteria:
            count, keep = keep_at_target(ranking(s, "abs" if name == "magnitude" else name), target, full_macs)
            macs, params = macs_params(keep)
            row = {"target": target, "criterion": name, "removed": count, "rate": round(count / (DEPTH * (3 * D + U)), 4),
                   "macs_saved": round(1 - macs / full_macs, 4), "params_saved": round(1 - params / full_params, 4)}
            modes = [("folded", True), ("binary", False)] if name != "magnitude" else [("binary", False)]
            for label, fold in modes:
                acc, agree = accuracy(model, masked(s, keep, fold), tx, ty, teacher_pred)
                row[label] = round(acc, 4)
                row[label + "_agree"] = round(agree, 4)
            out["rows"].append(row)
            print(json.dumps(row), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
