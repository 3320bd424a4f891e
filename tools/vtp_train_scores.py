"""`vtp_torch.py train-scores`: VTP score training on PyTorch, one process or many (torchrun, DDP).

The studio's recipe (src/train/scoreTraining.ts), step for step: one flat score vector a (all ones)
gating every block's qkv [k], attn [V], fc1 [m] and hidden [u] dims; loss = CE + λ·Σ|a| (or, with
--distill, T²·KL(unpruned model ‖ gated model), α·CE mixed in when --distill-alpha > 0); Adam
(β 0.9/0.999, eps 1e-8, no weight decay) under 5% linear warm-up + cosine decay to 0; weights frozen;
the studio's seeded batches and augmentation (vtp_scores_data.py). Stops before a step whose loss,
gradient or scores are not finite or |a| > 1e3, keeping the last good scores.

--batch is the global batch: each of the N processes takes its slice of every batch; DDP (gloo on CPU,
NCCL on CUDA) averages the score gradient, and each process's loss is scaled so that the average is the
gradient of the global batch's loss. Memory: no weight gradients or optimizer state exist (the weights
have requires_grad False), only the activations kept for the score gradient; on CUDA the forward runs
under bf16 autocast (--precision), which halves them.
"""
import argparse
import math
import os
import socket
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from vtp_torch import gate_lengths, load_slim_vit, set_gates, write_safetensors
from vtp_scores_data import ShardBatches, open_dataset

GATES = ("qkv", "attn", "fc1", "hidden")
SCORE_LIMIT = 1e3
WARMUP_FRACTION = 0.05


def parse_args(argv):
    """The command line, with the studio's defaults (vtp scores)."""
    p = argparse.ArgumentParser(prog="vtp_torch.py train-scores", description="VTP score training (DDP when run under torchrun).")
    p.add_argument("model_dir", help="studio model folder: config.json + model.safetensors (vtp export --format torch)")
    p.add_argument("--data", required=True, help="folder of class folders (or loose images with --distill), or a dataset .safetensors")
    p.add_argument("--out", required=True, help="scores file to write (blocks.N.gate.{qkv,attn,fc1,hidden})")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch", type=int, default=64, help="global batch, split across processes")
    p.add_argument("--lr", type=float, default=1e-2)
    p.add_argument("--l1", type=float, default=1e-4, help="λ of λ·Σ|a|")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-augment", action="store_true", help="no random shift (default: up to 2 px)")
    p.add_argument("--shift", type=int, default=2)
    p.add_argument("--flip", action="store_true", help="also mirror with probability 0.5")
    p.add_argument("--distill", action="store_true", help="label-free: learn from the unpruned model's outputs")
    p.add_argument("--distill-alpha", type=float, default=0.0)
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--split", choices=("train", "val"), default="train", help="half of a dataset .safetensors")
    p.add_argument("--match-by-position", action="store_true", help="pair class folders with model classes by order")
    p.add_argument("--workers", type=int, default=None, help="DataLoader workers per process (default 0 in memory, 4 for folders)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--nproc", type=int, default=1, help="without torchrun: start N local processes (torch.multiprocessing)")
    p.add_argument("--precision", choices=("auto", "fp32", "bf16"), default="auto", help="auto: bf16 autocast on CUDA (where supported), fp32 on CPU")
    args = p.parse_args(argv)
    if args.steps < 0 or args.batch < 1:
        p.error("--steps must be >= 0 and --batch >= 1")
    if args.temperature <= 0 or not 0 <= args.distill_alpha <= 1:
        p.error("--temperature must be > 0 and --distill-alpha in [0, 1]")
    return args


def warmup_cosine(base, t, total):
    """The studio's warmupCosine: linear warm-up over ceil(5% of total) steps, then cosine to 0."""
    warmup = min(total, math.ceil(WARMUP_FRACTION * total))
    if t < warmup:
        return base * (t + 1) / warmup
    return base * 0.5 * (1 + math.cos(math.pi * min(1, (t - warmup) / max(1, total - warmup))))


class GatedViT(nn.Module):
    """A frozen SlimViT whose gates are slices of one trainable flat score vector [total] (studio layout)."""

    def __init__(self, vit):
        super().__init__()
        self.vit = vit
        self.lengths = [n for block in gate_lengths(vit) for n in block]
        self.scores = nn.Parameter(torch.ones(sum(self.lengths)))  # [total], block by block, GATES order

    def forward(self, x):
        parts = torch.split(self.scores, self.lengths)
        set_gates(self.vit, [parts[4 * i:4 * i + 4] for i in range(len(self.vit.blocks))])
        try:
            return self.vit(x)
        finally:
            set_gates(self.vit, None)


def setup(args):
    """(rank, world, device, DDP backend or None) from torchrun's environment; one process without it."""
    world, rank, local = int(os.environ.get("WORLD_SIZE", 1)), int(os.environ.get("RANK", 0)), int(os.environ.get("LOCAL_RANK", 0))
    cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    if cuda and not torch.cuda.is_available():
        raise ValueError("--device cuda, but PyTorch sees no CUDA device")
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    backend = ("nccl" if cuda else "gloo") if world > 1 else None
    if backend:
        dist.init_process_group(backend=backend)
    return rank, world, device, backend


def data_term(logits, teacher, labels, args, world, batch):
    """This process's share of the data loss (sum over its rows × world / global batch), float32."""
    if teacher is None:
        per_row = F.cross_entropy(logits, labels, reduction="none")
    else:
        t = args.temperature
        kl = F.kl_div(F.log_softmax(logits / t, -1), F.log_softmax(teacher / t, -1), log_target=True, reduction="none").sum(-1)
        per_row = t * t * kl
        if args.distill_alpha > 0:
            per_row = args.distill_alpha * F.cross_entropy(logits, labels, reduction="none") + (1 - args.distill_alpha) * per_row
    return per_row.sum() * world / batch


def progress_line(step, steps, stats, batch, flat, lengths, elapsed):
    """One rank-0 progress line with the ETA (as `vtp scores` prints it)."""
    loss, data, l1, correct = stats[0].item(), stats[1].item() / batch, stats[2].item(), stats[3].item() / batch
    kinds = [flat[sum(lengths[:j]):sum(lengths[:j + 1])] for j in range(len(lengths))]
    near = [torch.cat(kinds[g::4]).abs().lt(0.05).float().mean().item() for g in range(4)]
    eta = elapsed / step * (steps - step)
    return (f"step {step}/{steps}  loss {loss:.4f} (data {data:.4f}, L1 {l1:.1f})  batch acc {100 * correct:.1f}%  "
            f"near-zero qkv/attn/fc1/hidden {'/'.join(f'{100 * n:.0f}%' for n in near)}  {elapsed:.0f} s, {eta:.0f} s left  "
            f"{step * batch / elapsed:.1f} img/s")


def bad_scores(flat, done):
    """Why the scores after `done` updates are unusable, or None."""
    if not torch.isfinite(flat).all():
        return f"non-finite scores after step {done}"
    top = flat.abs().max().item() if flat.numel() else 0.0
    return f"scores exploded (|a| = {top:.4g} > {SCORE_LIMIT:g}) after step {done}" if top > SCORE_LIMIT else None


def train(args, rank, world, device, backend, log):
    """The training loop; returns (scores [total] on the CPU, steps applied, stop reason or None, model)."""
    if not os.path.isfile(os.path.join(args.model_dir, "config.json")):
        raise ValueError(f"{args.model_dir} has no config.json: give the folder of `vtp export <model-dir> --format torch`")
    vit = load_slim_vit(args.model_dir).to(device).requires_grad_(False).eval()
    cfg = vit.config
    ds = open_dataset(args.data, cfg, args.split, args.match_by_position)
    if ds.labels is None and not (args.distill and args.distill_alpha == 0):
        raise ValueError(f"{args.data} holds loose images without class folders: train with --distill (alpha 0)")
    model = GatedViT(vit).to(device)
    net = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None,
                                              broadcast_buffers=False) if backend else model
    augment = None if args.no_augment else {"shift": args.shift, "flip": args.flip}
    sampler = ShardBatches(len(ds), args.batch, args.steps, args.seed, rank, world, augment)
    workers = args.workers if args.workers is not None else (0 if ds.files is None else 4)
    loader = torch.utils.data.DataLoader(ds, batch_sampler=sampler, num_workers=workers, pin_memory=device.type == "cuda")
    opt = torch.optim.Adam([model.scores], lr=args.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    bf16 = args.precision == "bf16" or (args.precision == "auto" and device.type == "cuda" and torch.cuda.is_bf16_supported())
    every, batch = max(1, round(args.steps / 30)), sampler.size
    log(f"training scores: {args.steps} steps, global batch {batch} over {world} process(es) ({backend or 'single'}), "
        f"{len(ds)} images, device {device}, {'bf16 autocast' if bf16 else 'fp32'}")
    last_good, done, stopped, t0 = model.scores.detach().clone(), 0, None, time.perf_counter()
    for s, (x, y) in enumerate(loader):
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            teacher = None
            if args.distill:
                with torch.no_grad():
                    teacher = vit(x).float()
            logits = net(x).float()
        l1 = model.scores.abs().sum()
        data = data_term(logits, teacher, y, args, world, batch)
        (data + args.l1 * l1).backward()
        hits = logits.argmax(-1) == (y if ds.labels is not None else teacher.argmax(-1))
        stats = torch.stack([data.detach() / world, data.detach() * batch / world, l1.detach() / world, hits.sum().float(),
                             model.scores.grad.pow(2).sum() / world])  # summed over processes below
        if backend:
            dist.all_reduce(stats)
        stats[0] += args.l1 * stats[2]
        flat, lr = model.scores.detach(), warmup_cosine(args.lr, s, args.steps)
        stopped = bad_scores(flat, done)
        if stopped is None:
            last_good = flat.clone()
            if not (math.isfinite(stats[0].item()) and math.isfinite(stats[4].item()) and math.isfinite(lr)):
                stopped = f"non-finite {'loss' if not math.isfinite(stats[0].item()) else 'gradient'} at step {s + 1}"
        if stopped is not None:
            break
        for group in opt.param_groups:
            group["lr"] = lr
        opt.step()
        opt.zero_grad(set_to_none=True)
        done += 1
        if rank == 0 and (done % every == 0 or done == args.steps):
            log(progress_line(done, args.steps, stats.cpu(), batch, last_good.cpu(), model.lengths, time.perf_counter() - t0))
    elapsed = time.perf_counter() - t0
    final = model.scores.detach()
    if stopped is None and bad_scores(final, done) is not None:
        stopped, final = bad_scores(final, done), last_good
    elif stopped is not None:
        final = last_good
    if done:
        log(f"trained {done} steps in {elapsed:.1f} s: {done / elapsed:.3f} steps/s, {done * batch / elapsed:.1f} images/s")
    return final.float().cpu(), done, stopped, model


def score_tensors(flat, model):
    """The flat scores as the studio's score file tensors blocks.N.gate.{qkv,attn,fc1,hidden} [len]."""
    parts = torch.split(flat, model.lengths)
    return {f"blocks.{i // 4}.gate.{GATES[i % 4]}": p for i, p in enumerate(parts)}


def _local_worker(index, argv, nproc):
    """One of --nproc local processes: torchrun's environment, then the normal entry point."""
    os.environ.update({"RANK": str(index), "LOCAL_RANK": str(index), "WORLD_SIZE": str(nproc), "LOCAL_WORLD_SIZE": str(nproc)})
    code = train_scores_main(argv)
    if code:
        sys.exit(code)


def launch_local(argv, nproc, cuda):
    """Runs nproc processes on this machine (fork on CPU, spawn for CUDA) with a free localhost port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    os.environ.update({"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)})
    try:
        torch.multiprocessing.start_processes(_local_worker, args=(argv, nproc), nprocs=nproc, start_method="spawn" if cuda else "fork")
    except torch.multiprocessing.ProcessExitedException as err:
        print(f"vtp_torch: error: a training process failed ({err})", file=sys.stderr)
        return err.exit_code or 1
    return 0


def train_scores_main(argv):
    """Entry point of `vtp_torch.py train-scores`; returns the exit code."""
    args = parse_args(argv)
    if args.nproc > 1 and "WORLD_SIZE" not in os.environ:
        return launch_local(argv, args.nproc, args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()))
    rank, backend = int(os.environ.get("RANK", 0)), None
    log = lambda line: print(line, file=sys.stderr, flush=True) if rank == 0 else None
    try:
        rank, world, device, backend = setup(args)
        flat, done, stopped, model = train(args, rank, world, device, backend, log)
        if stopped:
            log(f"training stopped: {stopped}; keeping the last good scores (after {done} steps)")
        if rank == 0:
            meta = {"kind": "vtp-scores", "steps": str(done), "model": model.vit.config.get("architecture", ""),
                    "trainer": f"vtp_torch.py train-scores, {world} process(es)"}
            write_safetensors(args.out, score_tensors(flat, model), meta)
            log(f"wrote scores of {len(model.vit.blocks)} blocks to {args.out}")
        return 0
    except (ValueError, OSError, RuntimeError) as err:  # a loader worker's error arrives as its traceback: keep the last line
        print(f"vtp_torch: error: {str(err).strip().splitlines()[-1]}", file=sys.stderr)
        return 2
    finally:
        if backend and dist.is_initialized():
            dist.destroy_process_group()
