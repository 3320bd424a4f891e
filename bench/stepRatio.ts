/**
 * The score-training step's time over PyTorch's on the same CPU, measured alternately (tfjs steps, then
 * a PyTorch run, `rounds` times) so that both see the same machine load: `npx tsx bench/stepRatio.ts [rounds] [batch]`.
 * Prints per-round medians and the ratio of the medians, of wall time and of CPU time (steadier under load).
 */
import { execFileSync } from 'node:child_process';
import { baseModel, stats } from './benchCommon';
import { benchSetup } from './engineSpeed';
import { randomDataset } from './scoreStep';
import { trainScores } from '../src/train/scoreTraining';
import type { ImageDataset } from '../src/data/imageDataset';
import type { VitParams } from '../src/model/vitParams';
import { disposeVitParams, vitParams } from '../src/model/vitParams';

const TORCH_SCRIPT = new URL('../tools/torch_step_bench.py', import.meta.url).pathname;

/** Wall and CPU milliseconds of one step. */
interface StepMs { wall: number; cpu: number }

/** Median wall and CPU ms of one PyTorch score step (1 thread) at `batch` over `runs` timed steps. */
function torchStepMs(batch: number, runs: number): StepMs {
  const out = execFileSync('/usr/bin/python3', [TORCH_SCRIPT, '--batch', String(batch), '--runs', String(runs), '--threads', '1'], { encoding: 'utf8' });
  const r = JSON.parse(out) as { medianMs: number; cpuMedianMs: number };
  return { wall: r.medianMs, cpu: r.cpuMedianMs };
}

/** CPU milliseconds used by this process so far (all threads). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median wall and CPU ms of tfjs score steps: `steps` steps, the first two untimed. */
async function tfjsStepMs(params: VitParams, ds: ImageDataset, batch: number, steps: number): Promise<StepMs> {
  const stamps: StepMs[] = [{ wall: performance.now(), cpu: cpuMs() }];
  await trainScores(params, ds, { steps, batchSize: batch }, { onProgress: () => { stamps.push({ wall: performance.now(), cpu: cpuMs() }); } });
  const d = stamps.slice(3).map((s, i) => ({ wall: s.wall - stamps[i + 2].wall, cpu: s.cpu - stamps[i + 2].cpu }));
  return { wall: stats(d.map((x) => x.wall)).medianMs, cpu: stats(d.map((x) => x.cpu)).medianMs };
}

async function main(): Promise<void> {
  await benchSetup();
  const rounds = Number(process.argv[2] ?? 3);
  const batch = Number(process.argv[3] ?? 64);
  const base = await baseModel();
  const params = vitParams(base.cfg, base.tensors);
  const ds = randomDataset(base.cfg, batch * 4);
  const tfjs: StepMs[] = [];
  const torch: StepMs[] = [];
  const line = (name: string, t: StepMs, p: StepMs) => console.log(`${name}: tfjs ${t.wall.toFixed(1)} ms (cpu ${t.cpu.toFixed(1)}), `
    + `torch ${p.wall.toFixed(1)} ms (cpu ${p.cpu.toFixed(1)}), ratio wall ${(t.wall / p.wall).toFixed(2)}, cpu ${(t.cpu / p.cpu).toFixed(2)}`);
  for (let r = 0; r < rounds; r++) {
    tfjs.push(await tfjsStepMs(params, ds, batch, 5));
    torch.push(torchStepMs(batch, 3));
    line(`round ${r + 1}`, tfjs[r], torch[r]);
  }
  const med = (xs: StepMs[]) => ({ wall: stats(xs.map((x) => x.wall)).medianMs, cpu: stats(xs.map((x) => x.cpu)).medianMs });
  line('median', med(tfjs), med(torch));
  disposeVitParams(params);
}

await main();
