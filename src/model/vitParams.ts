import * as tf from '@tensorflow/tfjs-core';
import { blockDimsAt, hasAttention, hasMlp, type BlockDims, type VitConfig } from './vitConfig';
import { type HostTensor, type HostTensors } from './hostTensor';
import { columnSelection, type ColumnSelection } from './layerOps';
import { padValueCols, padValueRows, valueLayout, type ValueLayout } from './valueLayout';

/** LayerNorm affine parameters, each [D]. */
export interface NormParams { gamma: tf.Variable<tf.Rank.R1>; beta: tf.Variable<tf.Rank.R1> }

/** One block's attention sublayer in matmul order ([in, out]); q, k and padded v as separate matrices (no split op). */
export interface AttentionParams {
  norm1: NormParams;
  /** Kept residual dims fed to q/k/v (k of D); null = all D. */
  qkvIn: ColumnSelection | null;
  /** q and k projections [k, h'*hd]; biases [h'*hd] or null. */
  wQ: tf.Variable<tf.Rank.R2>;
  bQ: tf.Variable<tf.Rank.R1> | null;
  wK: tf.Variable<tf.Rank.R2>;
  bK: tf.Variable<tf.Rank.R1> | null;
  /** Padded v projection [k, h'*vmax] (zero columns at padding); bias [h'*vmax] or null. */
  wV: tf.Variable<tf.Rank.R2>;
  bV: tf.Variable<tf.Rank.R1> | null;
  /** Padded value layout of the kept heads. */
  values: ValueLayout;
  /** Column selection placing an unpadded [V] attn gate (with a 0 appended, width V+1) at the padded slots; null when dense. */
  attnGateIndex: ColumnSelection | null;
  /** Output projection [h'*vmax, D] (zero rows at padding) and bias [D]. */
  wProj: tf.Variable<tf.Rank.R2>;
  bProj: tf.Variable<tf.Rank.R1>;
}

/** One block's MLP sublayer in matmul order. */
export interface MlpParams {
  norm2: NormParams;
  /** Kept residual dims fed to fc1 (m of D); null = all D. */
  fc1In: ColumnSelection | null;
  wFc1: tf.Variable<tf.Rank.R2>; // [m, u]
  bFc1: tf.Variable<tf.Rank.R1>; // [u]
  wFc2: tf.Variable<tf.Rank.R2>; // [u, D]
  bFc2: tf.Variable<tf.Rank.R1>; // [D]
}

/** One block's weights; a removed sublayer is null (the residual passes through it). */
export interface BlockParams {
  attn: AttentionParams | null;
  mlp: MlpParams | null;
}

/** A classifier head: weight [D, classes], bias [classes]. */
export interface HeadParams { w: tf.Variable<tf.Rank.R2>; b: tf.Variable<tf.Rank.R1> }

/** All weights of a ViT as tfjs variables (frozen unless made trainable), ready for the forward pass. */
export interface VitParams {
  config: VitConfig;
  patchW: tf.Variable<tf.Rank.R2>; // [C*P*P, D], rows ordered (c, py, px)
  patchB: tf.Variable<tf.Rank.R1>; // [D]
  clsToken: tf.Variable<tf.Rank.R3>; // [1, 1, D]
  distToken: tf.Variable<tf.Rank.R3> | null; // [1, 1, D]
  posEmbed: tf.Variable<tf.Rank.R3>; // [1, T, D]
  blocks: BlockParams[];
  norm: NormParams;
  head: HeadParams | null;
  headDist: HeadParams | null;
}

/** Row-major transpose of a [rows, cols] matrix -> [cols, rows]. */
export function transposeHost(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

function need(host: HostTensors, key: string): HostTensor {
  const t = host.get(key);
  if (!t) throw new Error(`missing tensor ${key}`);
  return t;
}

function variable<R extends tf.Rank>(data: Float32Array, shape: number[], trainable: boolean): tf.Variable<R> {
  return tf.tidy(() => tf.variable(tf.tensor(data, shape as tf.ShapeMap[R]) as tf.Tensor<R>, trainable));
}

/** Linear weight [out, in] (PyTorch) as a [in, out] variable. */
function linearVar(t: HostTensor, trainable: boolean): tf.Variable<tf.Rank.R2> {
  const [out, inp] = t.shape;
  return variable(transposeHost(t.data, out, inp), [inp, out], trainable);
}

function normVar(host: HostTensors, prefix: string, trainable: boolean): NormParams {
  const g = need(host, prefix + '.weight');
  return {
    gamma: variable(g.data, g.shape, trainable),
    beta: variable(need(host, prefix + '.bias').data, g.shape, trainable),
  };
}

function headVar(host: HostTensors, prefix: string, trainable: boolean): HeadParams | null {
  if (!host.has(prefix + '.weight')) return null;
  const b = need(host, prefix + '.bias');
  return { w: linearVar(need(host, prefix + '.weight'), trainable), b: variable(b.data, b.shape, trainable) };
}

/** A [rows, k] PyTorch weight (rows already laid out) as a [k, rows] variable. */
function projectionVar(rows: Float32Array, outW: number, k: number, trainable: boolean): tf.Variable<tf.Rank.R2> {
  return variable<tf.Rank.R2>(transposeHost(rows, outW, k), [k, outW], trainable);
}

function attentionVars(cfg: VitConfig, host: HostTensors, p: string, layout: ValueLayout, trainable: boolean) {
  const q = need(host, p + 'attn.q.weight');
  const [qk, k] = q.shape;
  const vW = layout.slotToValue.length;
  const bias = (name: string, data: (b: Float32Array) => Float32Array, n: number) =>
    cfg.qkvBias ? variable<tf.Rank.R1>(data(need(host, p + `attn.${name}.bias`).data), [n], trainable) : null;
  const same = (b: Float32Array) => b;
  const proj = padValueCols(need(host, p + 'attn.proj.weight').data, cfg.embedDim, layout); // [D, h'*vmax]
  return {
    wQ: projectionVar(q.data, qk, k, trainable),
    bQ: bias('q', same, qk),
    wK: projectionVar(need(host, p + 'attn.k.weight').data, qk, k, trainable),
    bK: bias('k', same, qk),
    wV: projectionVar(padValueRows(need(host, p + 'attn.v.weight').data, k, layout), vW, k, trainable),
    bV: bias('v', (b) => padValueRows(b, 1, layout), vW),
    wProj: variable<tf.Rank.R2>(transposeHost(proj, cfg.embedDim, vW), [vW, cfg.embedDim], trainable),
    bProj: variable<tf.Rank.R1>(need(host, p + 'attn.proj.bias').data, [cfg.embedDim], trainable),
  };
}

function indexTensor(index: number[] | null, width: number): ColumnSelection | null {
  return index ? columnSelection(index, width) : null;
}

/** Each padded slot's value dim, padding pointing at an appended zero (index V); every value dim sits in one slot. */
function attnGateIndex(layout: ValueLayout): ColumnSelection | null {
  if (layout.dense) return null;
  return columnSelection(Array.from(layout.slotToValue, (v) => (v < 0 ? layout.total : v)), layout.total + 1);
}

function attentionParams(cfg: VitConfig, host: HostTensors, p: string, dims: BlockDims, trainable: boolean): AttentionParams {
  const values = valueLayout(dims.valueWidths);
  return {
    norm1: normVar(host, p + 'norm1', trainable),
    qkvIn: indexTensor(dims.qkvIn, cfg.embedDim),
    ...attentionVars(cfg, host, p, values, trainable),
    values,
    attnGateIndex: attnGateIndex(values),
  };
}

function mlpParams(cfg: VitConfig, host: HostTensors, p: string, dims: BlockDims, trainable: boolean): MlpParams {
  const fc1 = need(host, p + 'mlp.fc1.bias');
  const fc2 = need(host, p + 'mlp.fc2.bias');
  return {
    norm2: normVar(host, p + 'norm2', trainable),
    fc1In: indexTensor(dims.fc1In, cfg.embedDim),
    wFc1: linearVar(need(host, p + 'mlp.fc1.weight'), trainable),
    bFc1: variable(fc1.data, fc1.shape, trainable),
    wFc2: linearVar(need(host, p + 'mlp.fc2.weight'), trainable),
    bFc2: variable(fc2.data, fc2.shape, trainable),
  };
}

function blockParams(cfg: VitConfig, host: HostTensors, i: number, trainable: boolean): BlockParams {
  const dims = blockDimsAt(cfg, i);
  const p = `blocks.${i}.`;
  return {
    attn: hasAttention(dims) ? attentionParams(cfg, host, p, dims, trainable) : null,
    mlp: hasMlp(dims) ? mlpParams(cfg, host, p, dims, trainable) : null,
  };
}

/** Builds the forward-ready weights from canonical host tensors (validated beforehand by the importer). */
export function vitParams(cfg: VitConfig, host: HostTensors, trainable = false): VitParams {
  const patch = need(host, 'patch_embed.proj.weight'); // [D, C, P, P]
  const D = cfg.embedDim;
  const cpp = patch.data.length / D;
  const tok = (key: string) => variable<tf.Rank.R3>(need(host, key).data, need(host, key).shape, trainable);
  return {
    config: cfg,
    patchW: variable(transposeHost(patch.data, D, cpp), [cpp, D], trainable), // [C*P*P, D]
    patchB: variable(need(host, 'patch_embed.proj.bias').data, [D], trainable),
    clsToken: tok('cls_token'),
    distToken: cfg.distilled ? tok('dist_token') : null,
    posEmbed: tok('pos_embed'),
    blocks: Array.from({ length: cfg.depth }, (_, i) => blockParams(cfg, host, i, trainable)),
    norm: normVar(host, 'norm', trainable),
    head: headVar(host, 'head', trainable),
    headDist: cfg.distilled ? headVar(host, 'head_dist', trainable) : null,
  };
}

/** Every tensor held by `params` (variables and index tensors). */
export function paramTensors(params: VitParams): tf.Tensor[] {
  const out: (tf.Tensor | null)[] = [params.patchW, params.patchB, params.clsToken, params.distToken, params.posEmbed,
    params.norm.gamma, params.norm.beta, params.head?.w ?? null, params.head?.b ?? null,
    params.headDist?.w ?? null, params.headDist?.b ?? null];
  for (const { attn: a, mlp: m } of params.blocks) {
    if (a) out.push(a.norm1.gamma, a.norm1.beta, a.qkvIn?.index ?? null, a.qkvIn?.inverse ?? null, a.wQ, a.bQ, a.wK, a.bK, a.wV, a.bV, a.attnGateIndex?.index ?? null, a.attnGateIndex?.inverse ?? null, a.wProj, a.bProj);
    if (m) out.push(m.norm2.gamma, m.norm2.beta, m.fc1In?.index ?? null, m.fc1In?.inverse ?? null, m.wFc1, m.bFc1, m.wFc2, m.bFc2);
  }
  return out.filter((t): t is tf.Tensor => t !== null);
}

/** Frees every tensor of `params`. */
export function disposeVitParams(params: VitParams): void {
  for (const t of paramTensors(params)) t.dispose();
}
