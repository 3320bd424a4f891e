import type * as tf from '@tensorflow/tfjs-core';
import type { HostTensors } from './hostTensor';
import { blockDimsAt } from './vitConfig';
import { transposeHost, type BlockParams, type VitParams } from './vitParams';
import { unpadValueCols, unpadValueRows } from './valueLayout';

/** Values of a tensor (async read: works on every backend, WebGPU included). */
async function values(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

/** A [in, out] matmul weight back as a PyTorch [out, in] host tensor. */
async function linearHost(w: tf.Tensor): Promise<{ shape: number[]; data: Float32Array }> {
  const [inp, out] = w.shape;
  return { shape: [out, inp], data: transposeHost(await values(w), inp, out) };
}

async function blockHost(params: VitParams, block: BlockParams, i: number, out: HostTensors): Promise<void> {
  const cfg = params.config;
  const p = `blocks.${i}.`;
  const dims = blockDimsAt(cfg, i);
  const qk = dims.heads.length * cfg.headDim;
  out.set(p + 'attn.q.weight', await linearHost(block.wQ)); // [h'*hd, k]
  out.set(p + 'attn.k.weight', await linearHost(block.wK)); // [h'*hd, k]
  const k = block.wV.shape[0];
  const vRows = transposeHost(await values(block.wV), k, block.wV.shape[1]); // [h'*vmax, k]
  out.set(p + 'attn.v.weight', { shape: [block.values.total, k], data: unpadValueRows(vRows, k, block.values) });
  if (block.bQ && block.bK && block.bV) {
    out.set(p + 'attn.q.bias', { shape: [qk], data: await values(block.bQ) });
    out.set(p + 'attn.k.bias', { shape: [qk], data: await values(block.bK) });
    out.set(p + 'attn.v.bias', { shape: [block.values.total], data: unpadValueRows(await values(block.bV), 1, block.values) });
  }
  const D = cfg.embedDim;
  const proj = transposeHost(await values(block.wProj), block.wProj.shape[0], D); // [D, h'*vmax]
  out.set(p + 'attn.proj.weight', { shape: [D, block.values.total], data: unpadValueCols(proj, D, block.values) });
  out.set(p + 'attn.proj.bias', { shape: [D], data: await values(block.bProj) });
  for (const [name, norm] of [['norm1', block.norm1], ['norm2', block.norm2]] as const) {
    out.set(p + name + '.weight', { shape: [D], data: await values(norm.gamma) });
    out.set(p + name + '.bias', { shape: [D], data: await values(norm.beta) });
  }
  out.set(p + 'mlp.fc1.weight', await linearHost(block.wFc1));
  out.set(p + 'mlp.fc1.bias', { shape: [dims.hidden], data: await values(block.bFc1) });
  out.set(p + 'mlp.fc2.weight', await linearHost(block.wFc2));
  out.set(p + 'mlp.fc2.bias', { shape: [D], data: await values(block.bFc2) });
}

/** Reads a model's (possibly trained) weights back to canonical PyTorch-order host tensors. */
export async function paramsToHost(params: VitParams): Promise<HostTensors> {
  const cfg = params.config;
  const D = cfg.embedDim;
  const out: HostTensors = new Map();
  out.set('cls_token', { shape: [1, 1, D], data: await values(params.clsToken) });
  if (params.distToken) out.set('dist_token', { shape: [1, 1, D], data: await values(params.distToken) });
  out.set('pos_embed', { shape: params.posEmbed.shape, data: await values(params.posEmbed) });
  const cpp = params.patchW.shape[0];
  out.set('patch_embed.proj.weight', { shape: [D, cfg.inChans, cfg.patchSize, cfg.patchSize], data: transposeHost(await values(params.patchW), cpp, D) });
  out.set('patch_embed.proj.bias', { shape: [D], data: await values(params.patchB) });
  for (let i = 0; i < params.blocks.length; i++) await blockHost(params, params.blocks[i], i, out);
  out.set('norm.weight', { shape: [D], data: await values(params.norm.gamma) });
  out.set('norm.bias', { shape: [D], data: await values(params.norm.beta) });
  for (const [name, head] of [['head', params.head], ['head_dist', params.headDist]] as const) {
    if (!head) continue;
    out.set(name + '.weight', await linearHost(head.w));
    out.set(name + '.bias', { shape: [cfg.numClasses], data: await values(head.b) });
  }
  return out;
}
