import * as tf from '@tensorflow/tfjs-core';
import type { VitConfig } from './vitConfig';
import { GATE_NAMES, gateLengths } from './gateLayout';

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
  /** Learned scalar gate of the whole attention sublayer: x + g·Attn(LN1(x)); [1]. */
  attnOut?: tf.Tensor1D;
  /** Learned scalar gate of the whole MLP sublayer: y + g·MLP(LN2(y)); [1]. */
  mlpOut?: tf.Tensor1D;
}

/** BlockGates field of each sublayer's scalar gate. */
export const SUBLAYER_GATE_FIELDS = { attn: 'attnOut', mlp: 'mlpOut' } as const;

export { GATE_NAMES, gateLengths, type GateName } from './gateLayout';

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
  for (const g of gates) {
    for (const name of GATE_NAMES) g[name]?.dispose();
    for (const field of Object.values(SUBLAYER_GATE_FIELDS)) g[field]?.dispose();
  }
}
