import { GATE_NAMES, gateLengths, type GateName } from '../model/gateLayout';
import type { VitConfig } from '../model/vitConfig';

/** Importance scores of one block, one value per gated dim: qkv [k], attn [V], fc1 [m], hidden [u]. */
export type BlockScores = Record<GateName, Float32Array>;

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
