import * as tf from '@tensorflow/tfjs-core';
import { linear, selectColumns, type ColumnSelection } from './layerOps';
import { gateMul } from './gateMul';
import { geluErf } from './gelu';
import { inferenceBlock, inferenceBlockApplies } from './inferenceBlock';
import { layerNorm } from './layerNorm';
import type { AttentionParams, BlockParams, MlpParams } from './vitParams';
import type { BlockGates } from './vitGates';
import type { VitConfig } from './vitConfig';

/** Gathers kept residual dims (last axis) and applies a gate: x [M, D] -> [M, k]. */
function keptInputs(x: tf.Tensor2D, sel: ColumnSelection | null, gate: tf.Tensor1D | undefined): tf.Tensor2D {
  const kept = sel ? selectColumns(x, sel) : x;
  return gate ? gateMul(kept, gate) : kept;
}

/** The attn gate [V] placed at the padded value slots [h'*vmax] (padding gets 0). */
function paddedAttnGate(block: AttentionParams, gate: tf.Tensor1D): tf.Tensor1D {
  if (!block.attnGateIndex) return gate;
  // A column selection rather than a plain gather: its gradient is a gather too (wasm has no scatter kernel).
  const withZero = tf.reshape(tf.concat([gate, tf.zeros([1])]), [1, -1]) as tf.Tensor2D; // [1, V+1]
  return tf.reshape(selectColumns(withZero, block.attnGateIndex), [-1]) as tf.Tensor1D; // [h'*vmax]
}

/** Multi-head self-attention of a (slim) block on LN1 output h [B*T, D] -> [B*T, D] (before residual). */
function attention(cfg: VitConfig, block: AttentionParams, h: tf.Tensor2D, B: number, T: number, gates: BlockGates): tf.Tensor2D {
  const { heads, vmax } = block.values;
  const hd = cfg.headDim;
  const x = keptInputs(h, block.qkvIn, gates.qkv); // [B*T, k]
  const q = linear(x, block.wQ, block.bQ); // [B*T, h'*hd]
  const k = linear(x, block.wK, block.bK); // [B*T, h'*hd]
  const v = linear(x, block.wV, block.bV); // [B*T, h'*vmax]
  const q4 = tf.transpose(tf.reshape(q, [B, T, heads, hd]), [0, 2, 1, 3]); // [B, h', T, hd]
  const k4 = tf.transpose(tf.reshape(k, [B, T, heads, hd]), [0, 2, 1, 3]); // [B, h', T, hd]
  const v4 = tf.transpose(tf.reshape(v, [B, T, heads, vmax]), [0, 2, 1, 3]); // [B, h', T, vmax]
  const logits = tf.mul(tf.matMul(q4, k4, false, true), 1 / Math.sqrt(hd)); // [B, h', T, T]
  const out = tf.matMul(tf.softmax(logits), v4); // [B, h', T, vmax]
  let merged = tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [B * T, heads * vmax]) as tf.Tensor2D; // [B*T, h'*vmax]
  if (gates.attn) merged = gateMul(merged, paddedAttnGate(block, gates.attn));
  return linear(merged, block.wProj, block.bProj); // [B*T, D]
}

/** MLP of a (slim) block on LN2 output h [B*T, D] -> [B*T, D] (before residual). */
function mlp(block: MlpParams, h: tf.Tensor2D, gates: BlockGates): tf.Tensor2D {
  let hidden = geluErf(linear(keptInputs(h, block.fc1In, gates.fc1), block.wFc1, block.bFc1)) as tf.Tensor2D; // [B*T, u]
  if (gates.hidden) hidden = gateMul(hidden, gates.hidden);
  return linear(hidden, block.wFc2, block.bFc2); // [B*T, D]
}

/** A sublayer's output [B*T, D] times its learned scalar gate [1] when there is one. */
function scaled(out: tf.Tensor2D, gate: tf.Tensor1D | undefined): tf.Tensor2D {
  return gate ? tf.mul(out, gate) : out;
}

/**
 * One pre-norm transformer block on the flattened residual x [B*T, D] -> [B*T, D], VTP gates optional:
 * y = x + g_attn·Attn(LN1(x)), then y + g_mlp·MLP(LN2(y)) (a scalar gate only when given, else 1).
 * A removed sublayer is skipped (no LayerNorm, no matmuls): the residual passes through unchanged.
 * Where nothing needs a gradient (wasm, no gates, no gradient being recorded) the block is one kernel call.
 */
export function vitBlock(cfg: VitConfig, block: BlockParams, x: tf.Tensor2D, B: number, T: number, gates: BlockGates = {}): tf.Tensor2D {
  if (inferenceBlockApplies(x, gates)) return inferenceBlock(cfg, block, x, B, T);
  const eps = cfg.layerNormEps;
  const { attn, mlp: ffn } = block;
  const y: tf.Tensor2D = attn ? tf.add(x, scaled(attention(cfg, attn, layerNorm(x, attn.norm1.gamma, attn.norm1.beta, eps) as tf.Tensor2D, B, T, gates), gates.attnOut)) : x;
  return ffn ? tf.add(y, scaled(mlp(ffn, layerNorm(y, ffn.norm2.gamma, ffn.norm2.beta, eps) as tf.Tensor2D, gates), gates.mlpOut)) : y;
}
