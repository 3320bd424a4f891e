import * as tf from '@tensorflow/tfjs-core';
import { blockDimsAt, type VitConfig } from './vitConfig';

/** The four VTP gates of one block (DESIGN.md section 1); each scales one set of dims. */
export interface BlockGates {
  /** Scales the LN1 output fed to q/k/v: [k] (k = kept qkv inputs, D when full). */
  qkv?: tf.Tensor1D;
  /** Scales the attention output before proj: [V] value dims, heads concatenated in order. */
  attn?: tf.Tensor1D;
  /** Scales the LN2 output fed to fc1: [m] (D when full). */
  fc1?: tf.Tensor1D;
  /** Scales the GELU output fed to fc2: [u] hidden dims. */
  hidden?: tf.Tensor1D;
}

/** Gate names in a fixed order, as used in score files (`blocks.N.gate.<name>`). */
export const GATE_NAMES = ['qkv', 'attn', 'fc1', 'hidden'] as const;
/** One of the four VTP gate names. */
export type GateName = (typeof GATE_NAMES)[number];

/** Gate lengths of block `i` of `cfg`, by gate name. */
export function gateLengths(cfg: VitConfig, i: number): Record<GateName, number> {
  const dims = blockDimsAt(cfg, i);
  return {
    qkv: dims.qkvIn ? dims.qkvIn.length : cfg.embedDim,
    attn: dims.valueWidths.reduce((a, b) => a + b, 0),
    fc1: dims.fc1In ? dims.fc1In.length : cfg.embedDim,
    hidden: dims.hidden,
  };
}

/** Gates of all ones for every block (trainable variables when `trainable`), VTP's initialisation. */
export function onesGates(cfg: VitConfig, trainable = false): BlockGates[] {
  return Array.from({ length: cfg.depth }, (_, i) => {
    const lengths = gateLengths(cfg, i);
    const gates: BlockGates = {};
    for (const name of GATE_NAMES) {
      const ones = tf.ones([lengths[name]]) as tf.Tensor1D;
      gates[name] = trainable ? (tf.variable(ones, true) as tf.Variable<tf.Rank.R1>) : ones;
      if (trainable) ones.dispose();
    }
    return gates;
  });
}

/** Disposes every tensor of a gate set. */
export function disposeGates(gates: BlockGates[]): void {
  for (const g of gates) for (const name of GATE_NAMES) g[name]?.dispose();
}
