import { blockDimsAt, hasAttention, hasMlp, patchCount, prefixTokenCount, type VitConfig } from '../model/vitConfig';

/** Parameter count and multiply-accumulates per image of one part of the model. */
export interface PartCost { params: number; macs: number }

/** Costs of a model: per block and in total, per image (DESIGN.md section 1 formulas). */
export interface ModelCost {
  /** Patch embedding, tokens and position embedding. */
  embed: PartCost;
  /** One entry per transformer block. */
  blocks: PartCost[];
  /** Final norm and classifier head(s). */
  head: PartCost;
  /** Sum of all parts. */
  total: PartCost;
}

/**
 * Params and MACs of block `i`: qkv n·k·(2·hd·h'+v), QKᵀ n²·hd·h', AV n²·v, out n·v·D, fc1 n·m·u, fc2 n·u·D.
 * A removed sublayer (no heads, or hidden 0) costs nothing: no matmuls, no LayerNorm, no output bias.
 */
export function blockCost(cfg: VitConfig, i: number): PartCost {
  const d = blockDimsAt(cfg, i);
  const n = patchCount(cfg) + prefixTokenCount(cfg);
  const D = cfg.embedDim;
  const hd = cfg.headDim;
  const h = d.heads.length;
  const k = d.qkvIn ? d.qkvIn.length : D;
  const v = d.valueWidths.reduce((a, b) => a + b, 0);
  const m = d.fc1In ? d.fc1In.length : D;
  const u = d.hidden;
  const qkvOut = 2 * hd * h + v;
  const attn = hasAttention(d)
    ? { macs: n * k * qkvOut + n * n * hd * h + n * n * v + n * v * D, params: 2 * D + (k * qkvOut + (cfg.qkvBias ? qkvOut : 0)) + (v * D + D) }
    : { macs: 0, params: 0 };
  const mlp = hasMlp(d) ? { macs: n * m * u + n * u * D, params: 2 * D + (m * u + u) + (u * D + D) } : { macs: 0, params: 0 };
  return { params: attn.params + mlp.params, macs: attn.macs + mlp.macs };
}

/** Params and MACs of the patch embedding n_p·P²·C·D, plus class/distillation tokens and position embedding. */
export function embedCost(cfg: VitConfig): PartCost {
  const np = patchCount(cfg);
  const D = cfg.embedDim;
  const kernel = cfg.patchSize * cfg.patchSize * cfg.inChans;
  const prefix = prefixTokenCount(cfg);
  return { params: kernel * D + D + prefix * D + (np + prefix) * D, macs: np * kernel * D };
}

/** Params and MACs of the final norm and the head(s) D·classes (two heads when distilled). */
export function headCost(cfg: VitConfig): PartCost {
  const heads = cfg.numClasses > 0 ? (cfg.distilled ? 2 : 1) : 0;
  const D = cfg.embedDim;
  return { params: 2 * D + heads * (D * cfg.numClasses + cfg.numClasses), macs: heads * D * cfg.numClasses };
}

/** Full cost breakdown of `cfg`, slim dims included. */
export function modelCost(cfg: VitConfig): ModelCost {
  const embed = embedCost(cfg);
  const blocks = Array.from({ length: cfg.depth }, (_, i) => blockCost(cfg, i));
  const head = headCost(cfg);
  const parts = [embed, ...blocks, head];
  const total = { params: parts.reduce((s, p) => s + p.params, 0), macs: parts.reduce((s, p) => s + p.macs, 0) };
  return { embed, blocks, head, total };
}
