/** The prune slider's settings and the prune decision they lead to (plain data, shared by the worker, store and UI). */
import type { BlockDims } from '../model/vitConfig';

/** Settings of the prune slider and its options. */
export interface PruneSettings {
  rate: number;
  criterion: 'vtp' | 'magnitude';
  fold: boolean;
  roundTo: number;
  blockRates: Record<number, number>;
}

/** Result of a prune decision: kept dims per block, costs, threshold. */
export interface PrunePreview {
  /** Largest removed |score| of the ranking criterion (null when nothing is removed); draw it on the histograms. */
  threshold: number | null;
  blocks: BlockDims[];
  /** Params and MACs per image of the pruned model. */
  params: number;
  macs: number;
  /** Fractions 0..1 of the current model's params and MACs removed (show as percentages). */
  paramsSaved: number;
  macsSaved: number;
  /** Gated dims removed and in total (all gates of all blocks). */
  removed?: number;
  total?: number;
}
