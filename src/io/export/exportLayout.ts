/**
 * The slim model's weights rearranged for a graph runtime, in plain host memory: linear weights in
 * matmul order [in, out], q|k|padded-v fused per block (heads padded to the block's widest kept
 * value width, DESIGN.md section 2), the class/distillation tokens with their position embedding
 * added, and the patch embedding position rows kept apart. Shared by the ONNX and TF.js exporters.
 */
import { sizeOf, type HostTensor, type HostTensors } from '../../model/hostTensor';
import { blockDimsAt, hasAttention, hasMlp, patchCount, prefixTokenCount, type BlockDims, type VitConfig } from '../../model/vitConfig';
import { padValueCols, padValueRows, valueLayout, type ValueLayout } from '../../model/valueLayout';
import { expectedShapes } from '../../model/vitWeights';

/** A host matrix or vector with its dims (row-major float32). */
export interface Mat { dims: number[]; data: Float32Array }

/** LayerNorm affine parameters, each [D]. */
export interface NormMats { gamma: Mat; beta: Mat }

/** One block's attention sublayer in matmul order. */
export interface AttentionLayout {
  norm1: NormMats;
  /** Kept residual dims fed to q/k/v (int, ascending); null = all D. */
  qkvIn: number[] | null;
  /** Kept heads h', query/key width per head hd, padded value width per head vmax. */
  heads: number;
  headDim: number;
  vmax: number;
  values: ValueLayout;
  /** q|k|padded-v projection [k, 2*h'*hd + h'*vmax]; bias [2*h'*hd + h'*vmax] or null. */
  wQkv: Mat;
  bQkv: Mat | null;
  /** Output projection [h'*vmax, D] (zero rows at padding), bias [D]. */
  wProj: Mat;
  bProj: Mat;
}

/** One block's MLP sublayer in matmul order. */
export interface MlpLayout {
  norm2: NormMats;
  /** Kept residual dims fed to fc1; null = all D. */
  fc1In: number[] | null;
  wFc1: Mat; // [m, u]
  bFc1: Mat; // [u]
  wFc2: Mat; // [u, D]
  bFc2: Mat; // [D]
}

/** One block's weights; a removed sublayer is null (the graph skips it: the residual passes through). */
export interface BlockLayout { attn: AttentionLayout | null; mlp: MlpLayout | null }

/** A classifier head: weight [D, classes], bias [classes]. */
export interface HeadLayout { w: Mat; b: Mat }

/** Every weight of a slim ViT, ready to become graph constants. */
export interface ExportLayout {
  cfg: VitConfig;
  /** Patch embedding kernel [D, C, P, P] (PyTorch/ONNX Conv layout) and bias [D]. */
  patchW: Mat;
  patchB: Mat;
  /** Class (and distillation) tokens plus their position rows: [1, prefix, D]. */
  prefix: Mat;
  /** Position embedding of the patch tokens: [1, n, D]. */
  posPatch: Mat;
  /** Tokens per image T = prefix + n. */
  tokens: number;
  blocks: BlockLayout[];
  norm: NormMats;
  head: HeadLayout | null;
  headDist: HeadLayout | null;
}

/** Row-major transpose of a [rows, cols] matrix -> [cols, rows]. */
export function transposeMatrix(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

function need(tensors: HostTensors, key: string): HostTensor {
  const t = tensors.get(key);
  if (!t) throw new Error(`cannot export the model: tensor ${key} is missing`);
  return t;
}

function vec(tensors: HostTensors, key: string): Mat {
  const t = need(tensors, key);
  return { dims: [t.data.length], data: t.data };
}

/** Linear weight [out, in] (PyTorch) -> matmul order [in, out]. */
function linearMat(t: HostTensor): Mat {
  const [out, inp] = t.shape;
  return { dims: [inp, out], data: transposeMatrix(t.data, out, inp) };
}

function norm(tensors: HostTensors, prefix: string): NormMats {
  return { gamma: vec(tensors, prefix + '.weight'), beta: vec(tensors, prefix + '.bias') };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** q|k|padded-v weights [k, O] and bias [O] of block prefix `p`. */
function qkvMats(cfg: VitConfig, tensors: HostTensors, p: string, values: ValueLayout): { wQkv: Mat; bQkv: Mat | null } {
  const q = need(tensors, p + 'attn.q.weight');
  const k = q.shape[1];
  const rows = concat([q.data, need(tensors, p + 'attn.k.weight').data, padValueRows(need(tensors, p + 'attn.v.weight').data, k, values)]);
  const out = 2 * q.shape[0] + values.slotToValue.length;
  const wQkv = { dims: [k, out], data: transposeMatrix(rows, out, k) };
  if (!cfg.qkvBias) return { wQkv, bQkv: null };
  const bias = concat([need(tensors, p + 'attn.q.bias').data, need(tensors, p + 'attn.k.bias').data,
    padValueRows(need(tensors, p + 'attn.v.bias').data, 1, values)]);
  return { wQkv, bQkv: { dims: [out], data: bias } };
}

function attentionLayout(cfg: VitConfig, tensors: HostTensors, p: string, dims: BlockDims): AttentionLayout {
  const values = valueLayout(dims.valueWidths);
  const D = cfg.embedDim;
  const slots = values.slotToValue.length;
  const proj = padValueCols(need(tensors, p + 'attn.proj.weight').data, D, values); // [D, h'*vmax]
  return {
    norm1: norm(tensors, p + 'norm1'),
    qkvIn: dims.qkvIn,
    heads: values.heads,
    headDim: cfg.headDim,
    vmax: values.vmax,
    values,
    ...qkvMats(cfg, tensors, p, values),
    wProj: { dims: [slots, D], data: transposeMatrix(proj, D, slots) },
    bProj: vec(tensors, p + 'attn.proj.bias'),
  };
}

function mlpLayout(tensors: HostTensors, p: string, dims: BlockDims): MlpLayout {
  return {
    norm2: norm(tensors, p + 'norm2'),
    fc1In: dims.fc1In,
    wFc1: linearMat(need(tensors, p + 'mlp.fc1.weight')),
    bFc1: vec(tensors, p + 'mlp.fc1.bias'),
    wFc2: linearMat(need(tensors, p + 'mlp.fc2.weight')),
    bFc2: vec(tensors, p + 'mlp.fc2.bias'),
  };
}

function blockLayout(cfg: VitConfig, tensors: HostTensors, i: number): BlockLayout {
  const dims = blockDimsAt(cfg, i);
  const p = `blocks.${i}.`;
  return {
    attn: hasAttention(dims) ? attentionLayout(cfg, tensors, p, dims) : null,
    mlp: hasMlp(dims) ? mlpLayout(tensors, p, dims) : null,
  };
}

/** Tokens plus their position rows [1, prefix, D] and the patch position rows [1, n, D]. */
function tokenMats(cfg: VitConfig, tensors: HostTensors): { prefix: Mat; posPatch: Mat } {
  const D = cfg.embedDim;
  const pt = prefixTokenCount(cfg);
  const pos = need(tensors, 'pos_embed').data; // [1, T, D]
  const tokens = [need(tensors, 'cls_token').data, ...(cfg.distilled ? [need(tensors, 'dist_token').data] : [])];
  const prefix = new Float32Array(pt * D);
  tokens.forEach((t, j) => { for (let d = 0; d < D; d++) prefix[j * D + d] = Math.fround(t[d] + pos[j * D + d]); });
  return { prefix: { dims: [1, pt, D], data: prefix }, posPatch: { dims: [1, patchCount(cfg), D], data: pos.slice(pt * D) } };
}

function head(tensors: HostTensors, prefix: string): HeadLayout | null {
  if (!tensors.has(prefix + '.weight')) return null;
  return { w: linearMat(need(tensors, prefix + '.weight')), b: vec(tensors, prefix + '.bias') };
}

/** Checks every tensor's shape against the config before anything is rearranged. */
function checkShapes(cfg: VitConfig, tensors: HostTensors): void {
  for (const [key, shape] of expectedShapes(cfg)) {
    const t = need(tensors, key);
    if (t.shape.join() !== shape.join() || t.data.length !== sizeOf(shape)) {
      throw new Error(`cannot export the model: ${key} has shape [${t.shape}], expected [${shape}]`);
    }
  }
}

/** The export layout of a (slim) model from its canonical host tensors (vitWeights.ts names). */
export function exportLayout(cfg: VitConfig, tensors: HostTensors): ExportLayout {
  if (cfg.numClasses < 1) throw new Error('cannot export a model without a classifier head (num_classes = 0)');
  checkShapes(cfg, tensors);
  const patch = need(tensors, 'patch_embed.proj.weight');
  return {
    cfg,
    patchW: { dims: patch.shape, data: patch.data },
    patchB: vec(tensors, 'patch_embed.proj.bias'),
    ...tokenMats(cfg, tensors),
    tokens: patchCount(cfg) + prefixTokenCount(cfg),
    blocks: Array.from({ length: cfg.depth }, (_, i) => blockLayout(cfg, tensors, i)),
    norm: norm(tensors, 'norm'),
    head: head(tensors, 'head'),
    headDist: cfg.distilled ? head(tensors, 'head_dist') : null,
  };
}
