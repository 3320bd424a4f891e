import { GATE_NAMES, gateLengths, type GateName, type SublayerPart } from '../model/gateLayout';
import type { VitConfig } from '../model/vitConfig';

/** Learned scalar gates of a block's sublayers (score training with sublayerGates); a part is absent when it has none. */
export type SublayerGateValues = Partial<Record<SublayerPart, number>>;

/**
 * Importance scores of one block, one value per gated dim: qkv [k], attn [V], fc1 [m], hidden [u]; `sublayer`: the
 * learned scalar gate of each sublayer when score training learned them (absent otherwise, and for a removed sublayer).
 */
export type BlockScores = Record<GateName, Float32Array> & { sublayer?: SublayerGateValues };

/** Importance scores of every block of a model (VTP gate values, or a criterion such as weight magnitude). */
export interface ScoreSet { blocks: BlockScores[] }

/** VTP's initial scores: all ones, sized to `cfg`'s (possibly slim) blocks. */
export function onesScores(cfg: VitConfig): ScoreSet {
  return {
    blocks: Array.from({ length: cfg.depth }, (_, i) => {
      const len = gateLengths(cfg, i);
      return Object.fromEntries(GATE_NAMES.map((g) => [g, new Float32Array(len[g]).fill(1)])) as unknown as BlockScores;
    }),
  };
}

/** Score-file tensor name of a gate: `blocks.<i>.gate.<name>`. */
export function gateKey(block: number, gate: GateName): string {
  return `blocks.${block}.gate.${gate}`;
}

/** Score-file tensor name of a sublayer's learned scalar gate [1]: `blocks.<i>.gate.sublayer_<attn|mlp>`. */
export function sublayerGateKey(block: number, part: SublayerPart): string {
  return `blocks.${block}.gate.sublayer_${part}`;
}

/** True when any block of `scores` carries a learned sublayer gate. */
export function hasSublayerGates(scores: ScoreSet): boolean {
  return scores.blocks.some((b) => b.sublayer !== undefined && Object.keys(b.sublayer).length > 0);
}
