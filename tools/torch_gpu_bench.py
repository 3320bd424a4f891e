"""The GPU benchmark's PyTorch half: forward passes (logits copied to the host) and VTP score-training steps
(weights frozen, gates trained with Adam, CE + 1e-4 * sum|gate|, loss read back) of DeiT-shaped models with
random weights, fp32 with TF32 off, on CUDA or CPU. Writes the GpuResult JSON of bench/gpu/gpuResult.ts;
bench/gpu/gpuTable.ts compares it with the tfjs-webgpu half (bench/gpu/gpuBench.ts).

    /usr/bin/python3 tools/torch_gpu_bench.py --device cuda|cpu [--models tiny,small] [--batches 1,16,64]
        [--step-batch 64] [--warmup 2] [--runs 5] [--image 224] [--out file.json]
"""
import argparse, json, sys, time
sys.path.insert(0, __file__.rsplit('/', 1)[0])
import torch
import torch.nn.functional as F
from torch_reference import VisionTransformer  # noqa: E402

DIMS = {'tiny': (192, 3), 'small': (384, 6), 'base': (768, 12)}  # embed dim, heads (timm deit_<size>_patch16_224)


def ints(s):
    return [int(x) for x in s.split(',') if x.strip()]


def args():
    ap = argparse.ArgumentParser()
    ap.add_argument('--device', choices=['cuda', 'cpu'], required=True)
    ap.add_argument('--models', default='tiny,small')
    ap.add_argument('--batches', type=ints, default=[1, 16, 64])
    ap.add_argument('--step-batch', type=int, default=64)
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--image', type=int, default=224)
    ap.add_argument('--out', default='')
    a = ap.parse_args()
    bad = [m for m in a.models.split(',') if m not in DIMS]
    if bad:
        ap.error(f'--models wants tiny, small or base, got {bad}')
    if a.image % 16:
        ap.error(f'--image must be a multiple of the patch size 16, got {a.image}')
    if a.device == 'cuda' and not torch.cuda.is_available():
        ap.error('--device cuda: torch.cuda.is_available() is False')
    return a


def deit(size, image, device):
    """DeiT-`size` (12 blocks, MLP 4xD, 1000 classes) with random weights, frozen, on `device`."""
    d, h = DIMS[size]
    torch.manual_seed(0)
    model = VisionTransformer(img_size=image, patch_size=16, in_chans=3, embed_dim=d, depth=12, num_heads=h,
                              mlp_ratio=4.0, num_classes=1000).to(device).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model, d


def timed(fn, device, warmup, runs):
    """Median/min/max ms of `runs` calls of fn after `warmup` untimed ones (CUDA synchronised around each)."""
    sync = torch.cuda.synchronize if device == 'cuda' else (lambda: None)
    for _ in range(warmup):
        fn()
    ms = []
    for _ in range(runs):
        sync(); t0 = time.perf_counter(); fn(); sync(); ms.append(1000 * (time.perf_counter() - t0))
    ms.sort()
    mid = len(ms) // 2
    med = ms[mid] if len(ms) % 2 else (ms[mid - 1] + ms[mid]) / 2
    return {'medianMs': med, 'minMs': ms[0], 'maxMs': ms[-1]}


def forward_fn(model, batch, image, device):
    x = torch.randn(batch, 3, image, image, device=device)

    def run():
        with torch.no_grad():
            model(x).cpu()  # logits read back, as the tfjs half does
    return run


def step_fn(model, d, batch, image, device):
    """One VTP score step: gates qkv/attn/fc1 [D] and hidden [4D] per block, Adam lr 1e-2, weights frozen."""
    gates = [{k: torch.ones(n, device=device, requires_grad=True) for k, n in (('qkv', d), ('attn', d), ('fc1', d), ('hidden', 4 * d))}
             for _ in range(12)]
    params = [g for b in gates for g in b.values()]
    opt = torch.optim.Adam(params, lr=1e-2)
    x = torch.randn(batch, 3, image, image, device=device)
    y = torch.randint(0, 1000, (batch,), device=device)

    def run():
        opt.zero_grad()
        loss = F.cross_entropy(model(x, gates=gates), y) + 1e-4 * sum(g.abs().sum() for g in params)
        loss.backward()
        opt.step()
        loss.item()  # read back, as the tfjs half reads its step stats
    return run


def cell(model_name, kind, batch, make, a):
    base = {'model': model_name, 'kind': kind, 'batch': batch}
    try:
        t = timed(make(), a.device, a.warmup, a.runs)
        return {**base, **t, 'imagesPerSec': batch * 1000 / t['medianMs']}
    except RuntimeError as err:  # e.g. CUDA out of memory
        if a.device == 'cuda':
            torch.cuda.empty_cache()
        return {**base, 'error': str(err).split('\n')[0]}


def main():
    a = args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    cells = []
    for size in a.models.split(','):
        model, d = deit(size, a.image, a.device)
        for b in a.batches:
            cells.append(cell(size, 'forward', b, lambda: forward_fn(model, b, a.image, a.device), a))
            print(json.dumps(cells[-1]), file=sys.stderr)
        if a.step_batch > 0:
            cells.append(cell(size, 'step', a.step_batch, lambda: step_fn(model, d, a.step_batch, a.image, a.device), a))
            print(json.dumps(cells[-1]), file=sys.stderr)
        del model
    name = torch.cuda.get_device_name(0) if a.device == 'cuda' else 'CPU'
    result = {'engine': 'pytorch' + (' CUDA' if a.device == 'cuda' else ' CPU'), 'device': name, 'software': False, 'cells': cells,
              'meta': {'torch': torch.__version__, 'cuda': torch.version.cuda, 'threads': torch.get_num_threads(), 'tf32': False,
                       'image': a.image, 'warmup': a.warmup, 'runs': a.runs}}
    text = json.dumps(result, indent=1)
    if a.out:
        with open(a.out, 'w') as f:
            f.write(text + '\n')
    print(text)


if __name__ == '__main__':
    main()
