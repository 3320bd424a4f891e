import type * as tf from '@tensorflow/tfjs-core';
import type { HostTensors } from './hostTensor';
import { transposeHost, type AttentionParams, type BlockParams, type MlpParams, type NormParams, type VitParams } from './vitParams';
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

async function attentionHost(params: VitParams, a: AttentionParams, p: string, out: HostTensors): Promise<void> {
  const cfg = params.config;
  const qk = a.values.heads * cfg.headDim;
  out.set(p + 'attn.q.weight', await linearHost(a.wQ)); // [h'*hd, k]
  out.set(p + 'attn.k.weight', await linearHost(a.wK)); // [h'*hd, k]
  const k = a.wV.shape[0];
  const vRows = transposeHost(await values(a.wV), k, a.wV.shape[1]); // [h'*vmax, k]
  out.set(p + 'attn.v.weight', { shape: [a.values.total, k], data: unpadValueRows(vRows, k, a.values) });
  if (a.bQ && a.bK && a.bV) {
    out.set(p + 'attn.q.bias', { shape: [qk], data: await values(a.bQ) });
    out.set(p + 'attn.k.bias', { shape: [qk], data: await values(a.bK) });
    out.set(p + 'attn.v.bias', { shape: [a.values.total], data: unpadValueRows(await values(a.bV), 1, a.values) });
  }
  const D = cfg.embedDim;
  const proj = transposeHost(await values(a.wProj), a.wProj.shape[0], D); // [D, h'*vmax]
  out.set(p + 'attn.proj.weight', { shape: [D, a.values.total], data: unpadValueCols(proj, D, a.values) });
  out.set(p + 'attn.proj.bias', { shape: [D], data: await values(a.bProj) });
  await normHost(a.norm1, p + 'norm1', D, out);
}

async function mlpHost(D: number, m: MlpParams, p: string, out: HostTensors): Promise<void> {
  await normHost(m.norm2, p + 'norm2', D, out);
  out.set(p + 'mlp.fc1.weight', await linearHost(m.wFc1));
  out.set(p + 'mlp.fc1.bias', { shape: [m.bFc1.shape[0]], data: await values(m.bFc1) });
  out.set(p + 'mlp.fc2.weight', await linearHost(m.wFc2));
  out.set(p + 'mlp.fc2.bias', { shape: [D], data: await values(m.bFc2) });
}

async function normHost(norm: NormParams, key: string, D: number, out: HostTensors): Promise<void> {
  out.set(key + '.weight', { shape: [D], data: await values(norm.gamma) });
  out.set(key + '.bias', { shape: [D], data: await values(norm.beta) });
}

/** One block's tensors (a removed sublayer has none). */
async function blockHost(params: VitParams, block: BlockParams, i: number, out: HostTensors): Promise<void> {
  const p = `blocks.${i}.`;
  if (block.attn) await attentionHost(params, block.attn, p, out);
  if (block.mlp) await mlpHost(params.config.embedDim, block.mlp, p, out);
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
