import * as tf from '@tensorflow/tfjs-core';
import { linear } from './layerOps';
import { layerNorm } from './layerNorm';
import { vitBlock } from './vitBlock';
import { patchCount, prefixTokenCount } from './vitConfig';
import type { BlockGates } from './vitGates';
import type { VitParams } from './vitParams';

/** Patch embedding as one matmul: images [B, C, H, W] -> patch tokens [B*n, D], row-major patch order. */
function patchEmbed(params: VitParams, images: tf.Tensor4D): tf.Tensor2D {
  const { inChans: C, patchSize: P } = params.config;
  const [B, , H, W] = images.shape;
  const hp = Math.floor(H / P);
  const wp = Math.floor(W / P);
  const cropped = H === hp * P && W === wp * P ? images : tf.slice(images, [0, 0, 0, 0], [B, C, hp * P, wp * P]);
  const rows = tf.reshape(cropped, [B * C * hp, P, wp, P]); // [B*C*hp, py, wp, px]
  const tiles = tf.transpose(rows, [0, 2, 1, 3]); // [B*C*hp, wp, py, px]
  const perChannel = tf.reshape(tiles, [B, C, hp * wp, P * P]); // [B, C, n, P*P]
  const byPatch = C === 1 ? perChannel : tf.transpose(perChannel, [0, 2, 1, 3]); // [B, n, C, P*P] (one channel: the same order)
  const patches: tf.Tensor2D = tf.reshape(byPatch, [B * hp * wp, C * P * P]) as tf.Tensor2D; // [B*n, C*P*P]
  return linear(patches, params.patchW, params.patchB); // [B*n, D]
}

/** Class (and distillation) token prepended, position embedding added: [B, T, D]. */
function tokens(params: VitParams, patches: tf.Tensor2D, B: number): tf.Tensor3D {
  const D = params.config.embedDim;
  const n = patchCount(params.config);
  const prefix = [params.clsToken, params.distToken].filter((t): t is tf.Variable<tf.Rank.R3> => t !== null);
  const tiled = prefix.map((t) => (B === 1 ? t : tf.tile(t, [B, 1, 1]))); // each [B, 1, D]
  const seq = tf.concat([...tiled, tf.reshape(patches, [B, n, D])], 1); // [B, T, D]
  return tf.add(seq, params.posEmbed);
}

/** Checks that images match the model's input layout [B, C, H, W]. */
function assertInputShape(params: VitParams, images: tf.Tensor): void {
  const { inChans, imageSize } = params.config;
  const [, c, h, w] = images.shape;
  if (images.rank !== 4 || c !== inChans || h !== imageSize[0] || w !== imageSize[1]) {
    throw new Error(`input has shape [${images.shape}], the model expects [B, ${inChans}, ${imageSize[0]}, ${imageSize[1]}]`);
  }
}

/**
 * The class (and distillation) tokens' features after the final norm: images [B, C, H, W] (normalised) ->
 * [B, p, D], p = 1, or 2 for a distilled model. LayerNorm acts per token, so norming only these rows equals
 * slicing the normed sequence (the other tokens' final norm is never computed).
 */
export function prefixFeatures(params: VitParams, images: tf.Tensor4D, gates?: BlockGates[]): tf.Tensor3D {
  assertInputShape(params, images);
  const cfg = params.config;
  const B = images.shape[0];
  const p = prefixTokenCount(cfg);
  const T = patchCount(cfg) + p;
  const D = cfg.embedDim;
  return tf.tidy(() => {
    let x = tf.reshape(tokens(params, patchEmbed(params, images), B), [B * T, D]) as tf.Tensor2D; // [B*T, D]
    // One tidy per block frees its intermediates as soon as it ends (those the backward pass needs are
    // kept by tfjs's tape): peak memory is one block's working set, not the whole network's.
    params.blocks.forEach((block, i) => { const input = x; x = tf.tidy(() => vitBlock(cfg, block, input, B, T, gates?.[i])); });
    const prefix = tf.reshape(tf.slice(tf.reshape(x, [B, T, D]), [0, 0, 0], [B, p, D]), [B * p, D]); // [B*p, D]
    return tf.reshape(layerNorm(prefix, params.norm.gamma, params.norm.beta, cfg.layerNormEps), [B, p, D]) as tf.Tensor3D;
  });
}

/** Class logits [B, classes] of images [B, C, H, W]; distilled models average both heads (inference). */
export function vitLogits(params: VitParams, images: tf.Tensor4D, gates?: BlockGates[]): tf.Tensor2D {
  if (!params.head) throw new Error('this model has no classifier head (num_classes = 0)');
  const head = params.head;
  return tf.tidy(() => {
    const feats = prefixFeatures(params, images, gates); // [B, p, D]
    const [B, p, D] = feats.shape;
    const token = (i: number) => (p === 1 ? tf.reshape(feats, [B, D]) : tf.reshape(tf.slice(feats, [0, i, 0], [B, 1, D]), [B, D])) as tf.Tensor2D; // [B, D]
    const logits = linear(token(0), head.w, head.b); // [B, classes]
    if (!params.headDist) return logits;
    return tf.mul(tf.add(logits, linear(token(1), params.headDist.w, params.headDist.b)), 0.5) as tf.Tensor2D;
  });
}
