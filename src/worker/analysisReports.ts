/** What the worker's analysis jobs report to the page: the per-layer sensitivity and the slim model's measured speed. */
import type { PruneSettings } from '../prune/pruneSettings';

/** What pruning one block alone costs (src/train/blockSensitivity.ts): fractions 0..1; accuracy NaN without labels. */
export interface BlockSensitivityInfo { block: number; cut: number; macsSaved: number; agreement: number; agreementLost: number; accuracy: number; accuracyLost: number }

/** Per-block overrides suggested from the sensitivity (src/prune/sensitivitySuggestion.ts): rates, MACs saved with them and now. */
export interface SuggestedOverridesInfo { blockRates: Record<number, number>; macsSaved: number; target: number; reached: boolean }

/**
 * Per-layer sensitivity at `settings`: base figures (nothing cut), one entry per block measured, on n validation images;
 * suggestion null when cancelled.
 */
export interface SensitivityReport {
  settings: PruneSettings; baseAgreement: number; baseAccuracy: number; blocks: BlockSensitivityInfo[]; n: number; labelled: boolean;
  cancelled: boolean; suggestion: SuggestedOverridesInfo | null;
}

/** One batch size of "Measure speed": median ms per forward pass (logits read back) and the median per-round slim/full ratio. */
export interface SlimSpeedPoint { batch: number; fullMs: number; slimMs: number; ratio: number }

/** The slim model's measured speed against the unpruned model's on the engine's backend (runs alternating). */
export interface SlimSpeedInfo {
  backend: string; prunedId: string;
  /** MACs per image of the slim model over the unpruned one's (what the speed would be if time followed MACs). */
  macsRatio: number;
  runs: number; points: SlimSpeedPoint[]; cancelled: boolean;
}
