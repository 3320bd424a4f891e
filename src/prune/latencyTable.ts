/**
 * A per-block latency table (as MDP's lookup table): measured once on the current backend, then it predicts the
 * latency of any pruned version of the model from its block dims, linearly in the dims and heads removed.
 */
import { GATE_NAMES, gateLengths, type GateName } from '../model/gateLayout';
import { blockDimsAt, type VitConfig } from '../model/vitConfig';

/** Milliseconds of one block at the measured widths, and ms saved per removed dim of each gate and per removed head. */
export interface BlockLatency {
  ms: number;
  perDim: Record<GateName, number>;
  perHead: number;
  /** Gate widths and head count the block was measured at. */
  widths: Record<GateName, number>;
  heads: number;
}

/** Latency table of a model on one backend at one batch size. */
export interface LatencyTable {
  backend: string;
  /** Images per forward pass the times are for. */
  batch: number;
  /** ms outside the blocks: patch embedding, tokens, final norm and head(s). */
  baseMs: number;
  /** One entry per block of the measured model. */
  blocks: BlockLatency[];
}

/** Predicted ms of `cfg` (the measured model or a pruned version of it): base + per block ms − saved dims and heads (>= 0). */
export function predictLatency(table: LatencyTable, cfg: VitConfig): number {
  if (table.blocks.length !== cfg.depth) throw new RangeError(`the latency table has ${table.blocks.length} blocks, the model has ${cfg.depth}`);
  return table.blocks.reduce((sum, t, b) => {
    const len = gateLengths(cfg, b);
    const heads = blockDimsAt(cfg, b).heads.length;
    const saved = GATE_NAMES.reduce((s, g) => s + t.perDim[g] * (t.widths[g] - len[g]), 0) + t.perHead * (t.heads - heads);
    return sum + Math.max(0, t.ms - saved);
  }, table.baseMs);
}
