/**
 * A per-block latency table (as MDP's lookup table): measured once on the current backend, then it predicts the
 * latency of any pruned version of the model from its block dims: linear in the dims and heads removed, plus the
 * three products whose cost is the product of two gates' widths (fc1 = fc1 input × hidden, the v projection =
 * qkv input × value width, q and k = qkv input × heads), so that cutting both gates of a product is not counted twice.
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
  /**
   * ms given back per removed pair (removed dim × removed dim, or dim × head) of the gates that share a product:
   * what removing both saves less than the sum of removing each (>= 0).
   */
  perPair: BlockPairs;
}

/** The gate pairs that share a matmul: qkv input × value dims (v), qkv input × heads (q, k), fc1 input × hidden (fc1). */
export interface BlockPairs { qkvAttn: number; qkvHeads: number; fc1Hidden: number }

/** A block's widths as the table counts them: each gate's width and the kept heads. */
export type BlockWidths = Record<GateName, number> & { heads: number };

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

/** Widths of block `b` of `cfg`: gate widths and kept heads. */
export function blockWidths(cfg: VitConfig, b: number): BlockWidths {
  return { ...gateLengths(cfg, b), heads: blockDimsAt(cfg, b).heads.length };
}

/** ms the dims and heads removed from `t`'s measured widths down to `w` save in that block (sublayer entries aside). */
export function dimsSavedMs(t: Omit<BlockLatency, 'perSublayer'>, w: BlockWidths): number {
  const gone = (g: GateName) => t.widths[g] - w[g];
  const headsGone = t.heads - w.heads;
  const linear = GATE_NAMES.reduce((s, g) => s + t.perDim[g] * gone(g), 0) + t.perHead * headsGone;
  const p = t.perPair;
  return linear - p.qkvAttn * gone('qkv') * gone('attn') - p.qkvHeads * gone('qkv') * headsGone - p.fc1Hidden * gone('fc1') * gone('hidden');
}

/** Predicted ms of `cfg` (the measured model or a pruned version of it): base + per block ms − saved dims, heads and sublayers (>= 0). */
export function predictLatency(table: LatencyTable, cfg: VitConfig): number {
  if (table.blocks.length !== cfg.depth) throw new RangeError(`the latency table has ${table.blocks.length} blocks, the model has ${cfg.depth}`);
  return table.blocks.reduce((sum, t, b) => {
    const saved = dimsSavedMs(t, blockWidths(cfg, b)) + sublayersSaved(t, blockDimsAt(cfg, b));
    return sum + Math.max(0, t.ms - saved);
  }, table.baseMs);
}

/**
 * True when `table` was measured for `cfg`'s shape: as many blocks, each with every entry (a table from before the
 * per-sublayer or per-pair entries has not) and at the model's widths and heads (a table of another model or of a
 * pruned version is not).
 */
export function latencyTableFits(table: LatencyTable, cfg: VitConfig): boolean {
  const numbers = (o: object | undefined, keys: string[]) => !!o && keys.every((k) => typeof (o as Record<string, unknown>)[k] === 'number');
  const complete = (t: BlockLatency) => numbers(t?.perSublayer, ['attn', 'mlp']) && numbers(t?.perPair, ['qkvAttn', 'qkvHeads', 'fc1Hidden']);
  if (!Array.isArray(table.blocks) || table.blocks.length !== cfg.depth || !table.blocks.every(complete)) return false;
  return table.blocks.every((t, b) => {
    const w = blockWidths(cfg, b);
    return t.heads === w.heads && GATE_NAMES.every((g) => t.widths[g] === w[g]);
  });
}
