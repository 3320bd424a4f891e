/** Helpers shared by the benchmark scripts: the demo model (or its architecture), seeded scores, timing stats. */
import { existsSync } from 'node:fs';
import { loadModelDir } from '../src/cli/modelDir';
import type { HostTensors } from '../src/model/hostTensor';
import { vitConfig, type VitConfig } from '../src/model/vitConfig';
import { GATE_NAMES } from '../src/model/gateLayout';
import { randomVitTensors, seededRandom } from '../src/model/vitInit';
import { onesScores, type ScoreSet } from '../src/prune/scoreSet';
import { msStats } from '../src/prune/pairedLatency';

const DEMO_DIR = new URL('../public/models/fmnist-vit-s/', import.meta.url).pathname;

/** The demo model (`dir`: its folder), or random weights on its architecture (`dir` null) when it has not been shipped yet. */
export async function baseModel(): Promise<{ cfg: VitConfig; tensors: HostTensors; source: string; dir: string | null }> {
  if (existsSync(DEMO_DIR + 'model.safetensors')) {
    const m = await loadModelDir(DEMO_DIR);
    return { cfg: m.config, tensors: m.tensors, source: 'public/models/fmnist-vit-s', dir: DEMO_DIR };
  }
  const cfg = vitConfig({ imageSize: [28, 28], patchSize: 4, inChans: 1, embedDim: 128, depth: 6, numHeads: 4, mlpHidden: 512, numClasses: 10 });
  return { cfg, tensors: randomVitTensors(cfg, { seed: 7, weightStd: 0.05, biasStd: 0.02 }), source: 'random weights (demo architecture)', dir: null };
}

/** VTP-like random scores: value/hidden dims in (0, 1), residual inputs (qkv, fc1) in (0.6, 1.6). */
export function vtpLikeScores(cfg: VitConfig): ScoreSet {
  const rand = seededRandom(5);
  const s = onesScores(cfg);
  for (const b of s.blocks) for (const g of GATE_NAMES) b[g] = b[g].map(() => rand() + (g === 'qkv' || g === 'fc1' ? 0.6 : 0));
  return s;
}

/**
 * Seeded scores that prune like trained ones (issue 13): every gate drawn from one range, residual inputs (qkv,
 * fc1) a little higher so that few of them go (but some do, so they are gathered), and each head's value dims
 * shifted by its own offset, so that value widths come out uneven (heads padded) as with scores trained on data.
 */
export function unevenScores(cfg: VitConfig, seed = 13): ScoreSet {
  const rand = seededRandom(seed);
  const s = onesScores(cfg);
  s.blocks.forEach((b) => {
    const headOffset = Array.from({ length: cfg.numHeads }, () => 0.3 * rand());
    const offset = (g: string, j: number) => (g === 'attn' ? headOffset[Math.floor(j / cfg.headDim)] : g === 'hidden' ? 0 : 0.15);
    for (const g of GATE_NAMES) b[g] = b[g].map((_, j) => 0.8 + 0.3 * rand() + offset(g, j));
  });
  return s;
}

/** Median, min and max of a list of milliseconds. */
export const stats = msStats;

