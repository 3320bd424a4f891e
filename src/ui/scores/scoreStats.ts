/** Per-layer figures for the scores panel: histograms, thresholds and kept dims (pure, no React). */
import { GATE_NAMES, gateLengths, type GateName } from '../../model/gateLayout';
import type { BlockDims, VitConfig } from '../../model/vitConfig';
import type { PruneSettings, ScoreSnapshot } from '../../worker/engineApi';
import { absHistogram, countAtOrBelow, maxAbs, rateThreshold, type Histogram } from '../common/histogram';

export const MINI_BINS = 40;
export const DETAIL_BINS = 40;

export interface GateCell {
  block: number;
  gate: GateName;
  size: number;
  mean: number;
  hist: Histogram;
}

/** Histograms of every block and gate over one shared range [0, max |a|]. */
export function gateCells(scores: ScoreSnapshot, bins = MINI_BINS): { max: number; cells: GateCell[][] } {
  const max = maxAbs(scores.blocks.flatMap((b) => GATE_NAMES.map((g) => b[g])));
  const cells = scores.blocks.map((b, block) => GATE_NAMES.map((gate) => {
    const a = b[gate];
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]);
    return { block, gate, size: a.length, mean: a.length ? sum / a.length : 0, hist: absHistogram(a, bins, max) };
  }));
  return { max, cells };
}

/** Threshold drawn on block `block`'s histograms: the block's own rate when overridden, else the global one. */
export function blockThreshold(
  scores: ScoreSnapshot, block: number, prune: PruneSettings, globalThreshold: number | null,
): number | null {
  const own = prune.blockRates[block];
  if (own === undefined) return globalThreshold;
  const b = scores.blocks[block];
  return rateThreshold(GATE_NAMES.map((g) => b[g]), own);
}

/** Kept dims of one gate of slim block dims. */
export function keptOf(dims: BlockDims, gate: GateName, cfg: VitConfig): number {
  switch (gate) {
    case 'qkv': return dims.qkvIn ? dims.qkvIn.length : cfg.embedDim;
    case 'attn': return dims.valueWidths.reduce((a, b) => a + b, 0);
    case 'fc1': return dims.fc1In ? dims.fc1In.length : cfg.embedDim;
    case 'hidden': return dims.hidden;
  }
}

/** Gate sizes of the loaded model's block `i` (its current, possibly already slim, widths). */
export function gateTotals(cfg: VitConfig, i: number): Record<GateName, number> {
  return gateLengths(cfg, i);
}

/** Dims at or below a threshold in one gate. */
export function belowCount(scores: ScoreSnapshot, block: number, gate: GateName, threshold: number): number {
  return countAtOrBelow(scores.blocks[block][gate], threshold);
}

