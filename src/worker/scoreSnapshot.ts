/** Score sets as they cross the worker boundary: copies whose buffers can be transferred. */
import { GATE_NAMES } from '../model/gateLayout';
import type { VitConfig } from '../model/vitConfig';
import { assertScoresFit } from '../prune/pruneModel';
import type { BlockScores, ScoreSet } from '../prune/scoreSet';
import type { ScoreSnapshot } from './engineApi';

/** A deep copy of a score set as a snapshot (fresh buffers, safe to transfer), with the training step it follows when given. */
export function toSnapshot(scores: ScoreSet, step?: number): ScoreSnapshot {
  const blocks = scores.blocks.map((b) => {
    const copy = Object.fromEntries(GATE_NAMES.map((g) => [g, b[g].slice()])) as unknown as BlockScores;
    if (b.sublayer) copy.sublayer = { ...b.sublayer };
    return copy;
  });
  return step === undefined ? { blocks } : { blocks, step };
}

/** Every buffer of a snapshot, for comlink.transfer. */
export function snapshotBuffers(snapshot: ScoreSnapshot): ArrayBuffer[] {
  return snapshot.blocks.flatMap((b) => GATE_NAMES.map((g) => b[g].buffer as ArrayBuffer));
}

/** A snapshot from the UI checked against the model (sizes, finite values) and copied into a score set. */
export function fromSnapshot(snapshot: ScoreSnapshot, cfg: VitConfig): ScoreSet {
  const scores: ScoreSet = toSnapshot(snapshot);
  assertScoresFit(cfg, scores);
  scores.blocks.forEach((b, i) => {
    for (const g of GATE_NAMES) {
      const bad = b[g].findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new Error(`saved scores of block ${i} gate ${g} hold a non-finite value (${b[g][bad]})`);
    }
    for (const [part, v] of Object.entries(b.sublayer ?? {})) {
      if (!Number.isFinite(v)) throw new Error(`saved scores of block ${i}: the ${part} sublayer gate is not a finite number (${v})`);
    }
  });
  return scores;
}
