import { blockDimsAt, hasAttention, hasMlp, type VitConfig } from './vitConfig';

/** Gate names in a fixed order, as used in score files (`blocks.N.gate.<name>`). */
export const GATE_NAMES = ['qkv', 'attn', 'fc1', 'hidden'] as const;
/** One of the four VTP gate names. */
export type GateName = (typeof GATE_NAMES)[number];

/** Gate lengths of block `i` of `cfg`, by gate name: qkv [k], attn [V], fc1 [m], hidden [u]. */
export function gateLengths(cfg: VitConfig, i: number): Record<GateName, number> {
  const dims = blockDimsAt(cfg, i);
  return {
    qkv: dims.qkvIn ? dims.qkvIn.length : cfg.embedDim,
    attn: dims.valueWidths.reduce((a, b) => a + b, 0),
    fc1: dims.fc1In ? dims.fc1In.length : cfg.embedDim,
    hidden: dims.hidden,
  };
}

/** A block's two sublayers, in forward order: attention, then MLP. */
export const SUBLAYER_PARTS = ['attn', 'mlp'] as const;
/** One of a block's two sublayers. */
export type SublayerPart = (typeof SUBLAYER_PARTS)[number];

/** The sublayers block `i` of `cfg` still has (a removed one has no gate), in forward order. */
export function presentSublayers(cfg: VitConfig, i: number): SublayerPart[] {
  const dims = blockDimsAt(cfg, i);
  return SUBLAYER_PARTS.filter((p) => (p === 'attn' ? hasAttention(dims) : hasMlp(dims)));
}
