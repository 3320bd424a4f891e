/**
 * A per-block latency table (as MDP's lookup table): measured once on the current backend, then it predicts the
 * latency of any pruned version of the model from its block dims, linearly in the dims and heads removed.
 */
import { GATE_NAMES, gateLengths, type GateName } from '../model/gateLayout';
import { blockDimsAt, hasAttention, hasMlp, type BlockDims, type VitConfig } from '../model/vitConfig';

/** Milliseconds of one block at the measured widths, and ms saved per removed dim of each gate and per removed head. */
export interface BlockLatency {
  ms: number;
  perDim: Record<GateName, number>;
  perHead: number;
  /** Gate widths and head count the block was measured at. */
  widths: Record<GateName, number>;
  heads: number;
  /**
   * ms saved by removing a whole sublayer beyond its dims and heads: its LayerNorm, softmax, transposes and residual
   * add (0 for a sublayer the measured block did not have).
   */
  perSublayer: { attn: number; mlp: number };
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

/** ms saved in one block, measured as `t`, by the sublayers `dims` no longer has (beyond their dims and heads). */
function sublayersSaved(t: BlockLatency, dims: BlockDims): number {
  const attnGone = t.heads > 0 && !hasAttention(dims);
  const mlpGone = t.widths.hidden > 0 && !hasMlp(dims);
  return (attnGone ? t.perSublayer.attn : 0) + (mlpGone ? t.perSublayer.mlp : 0);
}

/** Predicted ms of `cfg` (the measured model or a pruned version of it): base + per block ms − saved dims, heads and sublayers (>= 0). */
export function predictLatency(table: LatencyTable, cfg: VitConfig): number {
  if (table.blocks.length !== cfg.depth) throw new RangeError(`the latency table has ${table.blocks.length} blocks, the model has ${cfg.depth}`);
  return table.blocks.reduce((sum, t, b) => {
    const len = gateLengths(cfg, b);
    const dims = blockDimsAt(cfg, b);
    const saved = GATE_NAMES.reduce((s, g) => s + t.perDim[g] * (t.widths[g] - len[g]), 0) + t.perHead * (t.heads - dims.heads.length);
    return sum + Math.max(0, t.ms - saved - sublayersSaved(t, dims));
  }, table.baseMs);
}
