"""Times one VTP score-training step (weights frozen, gates trained, batch 64) of the demo architecture
in PyTorch on this CPU, for bench/run.ts to compare with the studio's tfjs wasm step. Prints JSON: wall ms
(median, min, max) and the median CPU ms of the stepping thread (steadier on a loaded machine).

    /usr/bin/python3 tools/torch_step_bench.py [--batch 64] [--runs 7] [--threads 1]
"""
import argparse, json, sys, time
sys.path.insert(0, __file__.rsplit('/', 1)[0])
import torch
import torch.nn.functional as F
from torch_reference import VisionTransformer  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--runs', type=int, default=7)
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = VisionTransformer(img_size=28, patch_size=4, in_chans=1, embed_dim=128, depth=6, num_heads=4, mlp_ratio=4.0, num_classes=10)
    for p in model.parameters():
        p.requires_grad_(False)
    gates = [{k: torch.ones(n, requires_grad=True) for k, n in (('qkv', 128), ('attn', 128), ('fc1', 128), ('hidden', 512))} for _ in range(6)]
    params = [g for b in gates for g in b.values()]
    opt = torch.optim.Adam(params, lr=1e-2)
    x = torch.randn(a.batch, 1, 28, 28)
    y = torch.randint(0, 10, (a.batch,))

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x, gates=gates), y) + 1e-4 * sum(g.abs().sum() for g in params)
        loss.backward()
        opt.step()

    for _ in range(2):
        step()
    ms, cpu = [], []
    for _ in range(a.runs):
        t0, c0 = time.perf_counter(), time.thread_time()
        step()
        ms.append(1000 * (time.perf_counter() - t0)); cpu.append(1000 * (time.thread_time() - c0))
    ms.sort(); cpu.sort()
    print(json.dumps({'medianMs': ms[len(ms) // 2], 'minMs': ms[0], 'maxMs': ms[-1], 'cpuMedianMs': cpu[len(cpu) // 2],
                      'threads': a.threads, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
