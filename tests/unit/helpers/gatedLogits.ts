/** Logits of a model on given images with host gate values (dims and learned sublayer gates), for slim-vs-masked checks. */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { HostTensors } from '../../../src/model/hostTensor';
import type { VitConfig } from '../../../src/model/vitConfig';
import { vitLogits } from '../../../src/model/vitForward';
import { GATE_NAMES, type BlockGates } from '../../../src/model/vitGates';
import { disposeVitParams, vitParams } from '../../../src/model/vitParams';
import type { ScoreSet } from '../../../src/prune/scoreSet';

/** Images as flat data and their shape [B, C, H, W]. */
export interface TestImages { data: Float32Array; shape: [number, number, number, number] }

/** BlockGates of host gate values, sublayer gates included (tensors made here; the caller disposes them). */
export function gatesOf(blocks: ScoreSet['blocks']): BlockGates[] {
  return blocks.map((b) => {
    const g: BlockGates = Object.fromEntries(GATE_NAMES.map((n) => [n, tf.tensor1d(b[n])]));
    if (b.sublayer?.attn !== undefined) g.attnOut = tf.tensor1d([b.sublayer.attn]);
    if (b.sublayer?.mlp !== undefined) g.mlpOut = tf.tensor1d([b.sublayer.mlp]);
    return g;
  });
}

/** Logits [B·classes] of cfg/host on `img`, gated by `blocks` when given; checks that no tensor leaks. */
export async function gatedLogits(cfg: VitConfig, host: HostTensors, img: TestImages, blocks?: ScoreSet['blocks']): Promise<Float32Array> {
  const before = tf.memory().numTensors;
  const params = vitParams(cfg, host);
  const x = tf.tensor4d(img.data, img.shape); // [B, C, H, W]
  const gates = blocks ? gatesOf(blocks) : undefined;
  const y = vitLogits(params, x, gates);
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y, ...(gates ?? []).flatMap((g) => Object.values(g))]);
  disposeVitParams(params);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}
