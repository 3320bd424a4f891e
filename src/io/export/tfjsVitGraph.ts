/**
 * The slim ViT as TF GraphDef nodes for TensorFlow.js (ops that tfjs-converter executes), mirroring
 * src/model/vitForward.ts and vitBlock.ts op for op: activations flattened to [B*T, D], fused
 * matmul+bias, one q|k|padded-v matmul and one batched attention per block, LayerNorm as
 * moments, exact erf GELU. The batch is dynamic (-1 in every reshape).
 */
import type { AttentionLayout, ExportLayout, Mat, MlpLayout, NormMats } from './exportLayout';
import { attr, TfjsGraph } from './tfjsGraph';

/** Names of the graph input [batch, C, H, W] and output [batch, classes]. */
export const TFJS_INPUT = 'pixel_values';
export const TFJS_OUTPUT = 'logits';

function init(g: TfjsGraph, name: string, m: Mat): string {
  return g.float(name, m.dims, m.data);
}

/** x [M, in] @ w [in, out] + b [out] -> [M, out] in one fused node (plain MatMul without bias). */
function linear(g: TfjsGraph, x: string, name: string, w: Mat, b: Mat | null): string {
  const inputs = [x, init(g, `${name}/weight`, w)];
  if (!b) return g.node('MatMul', inputs, name, { transpose_a: attr.bool(false), transpose_b: attr.bool(false) });
  return g.node('_FusedMatMul', [...inputs, init(g, `${name}/bias`, b)], name, {
    fused_ops: attr.strings(['BiasAdd']), num_args: attr.int(1), transpose_a: attr.bool(false), transpose_b: attr.bool(false),
  });
}

/** LayerNorm over the last axis, as tf.moments: (x - mean) * rsqrt(var + eps) * gamma + beta. */
function layerNorm(g: TfjsGraph, x: string, name: string, n: NormMats, eps: number): string {
  const axis = g.int32([-1]);
  const keep = { keep_dims: attr.bool(true) };
  const mean = g.node('Mean', [x, axis], `${name}/mean`, keep); // [M, 1]
  const variance = g.node('Mean', [g.node('SquaredDifference', [x, mean], `${name}/sqdiff`), axis], `${name}/variance`, keep); // [M, 1]
  const inv = g.node('Rsqrt', [g.node('AddV2', [variance, g.scalar(`${name}/epsilon`, eps)], `${name}/add_eps`)], `${name}/rsqrt`);
  const normed = g.node('Mul', [g.node('Sub', [x, mean], `${name}/center`), inv], `${name}/normed`);
  return g.node('AddV2', [g.node('Mul', [normed, init(g, `${name}/gamma`, n.gamma)], `${name}/scale`), init(g, `${name}/beta`, n.beta)], name);
}

/** w [k, out] of the kept inputs `index` widened to [D, out] with zero rows at the dropped ones (index null: w itself). */
function widenedRows(w: Mat, index: number[] | null, D: number): Mat {
  if (!index) return w;
  const out = w.dims[1];
  const data = new Float32Array(D * out);
  index.forEach((d, r) => data.set(w.data.subarray(r * out, (r + 1) * out), d * out));
  return { dims: [D, out], data };
}

/**
 * How q/k/v and fc1 read the kept residual dims: 'zero-rows' = one matmul over all D inputs with zero weight rows at
 * the dropped ones (default: stock tfjs-wasm gathers slowly, and this measured faster at rates 0.4 and 0.6, batch 1
 * and 64, README "Speed"); 'gather' = GatherV2 of the kept dims, then the matmul (a smaller file).
 */
export type KeptInputs = 'zero-rows' | 'gather';

/** Entries `index` of axis 1 of x: tokens of [B, T', D] -> [B, |index|, D] (or [B, D] for one `scalar` token), dims of [M, D] -> [M, |index|]. */
function gatherAxis1(g: TfjsGraph, x: string, index: number[], scalar: boolean, name: string): string {
  return g.node('GatherV2', [x, g.int32(index, scalar), g.int32([1], true)], name,
    { batch_dims: attr.int(0), Tindices: attr.dtype('int32'), Tparams: attr.dtype('float32') });
}

/** x [M, D] @ w of the kept inputs `index` + b (w [k, out]), read as `mode` says. */
function keptLinear(g: TfjsGraph, x: string, index: number[] | null, name: string, w: Mat, b: Mat | null, D: number, mode: KeptInputs): string {
  if (mode === 'gather' && index) return linear(g, gatherAxis1(g, x, index, false, `${name}_in`), name, w, b); // [M, k] @ [k, out]
  return linear(g, x, name, widenedRows(w, index, D), b);
}

/** Exact GELU as the studio computes it: (x * 0.5) * (erf(x * sqrt(1/2)) + 1). */
function geluErf(g: TfjsGraph, x: string, name: string): string {
  const erf = g.node('Erf', [g.node('Mul', [x, g.scalar(`${name}/sqrt_half`, Math.SQRT1_2)], `${name}/scaled`)], `${name}/erf`);
  const onePlus = g.node('AddV2', [erf, g.scalar(`${name}/one`, 1)], `${name}/one_plus`);
  return g.node('Mul', [g.node('Mul', [x, g.scalar(`${name}/half`, 0.5)], `${name}/half_x`), onePlus], name);
}

/** [B*T, heads*width] -> [B, heads, T, width]. */
function splitHeads(g: TfjsGraph, x: string, T: number, heads: number, width: number, name: string): string {
  const r = g.node('Reshape', [x, g.int32([-1, T, heads, width])], `${name}/reshape`, { Tshape: attr.dtype('int32') }); // [B, T, h', w]
  return g.node('Transpose', [r, g.int32([0, 2, 1, 3])], name, { Tperm: attr.dtype('int32') }); // [B, h', T, w]
}

/** Multi-head self-attention on LN1 output h [B*T, D] -> [B*T, D] (before the residual). */
function attention(g: TfjsGraph, b: AttentionLayout, T: number, h: string, p: string, mode: KeptInputs): string {
  const { heads, headDim: hd, vmax } = b;
  const qkv = keptLinear(g, h, b.qkvIn, `${p}/attn/qkv`, b.wQkv, b.bQkv, b.wProj.dims[1], mode); // [B*T, 2*h'*hd + h'*vmax]
  const split = g.node('SplitV', [qkv, g.int32([heads * hd, heads * hd, heads * vmax]), g.int32([1], true)], `${p}/attn/split`,
    { num_split: attr.int(3), Tlen: attr.dtype('int32') });
  const q4 = splitHeads(g, `${split}:0`, T, heads, hd, `${p}/attn/q`); // [B, h', T, hd]
  const k4 = splitHeads(g, `${split}:1`, T, heads, hd, `${p}/attn/k`); // [B, h', T, hd]
  const v4 = splitHeads(g, `${split}:2`, T, heads, vmax, `${p}/attn/v`); // [B, h', T, vmax]
  const scores = g.node('BatchMatMulV2', [q4, k4], `${p}/attn/qk`, { adj_x: attr.bool(false), adj_y: attr.bool(true) }); // [B, h', T, T]
  const scaled = g.node('Mul', [scores, g.scalar(`${p}/attn/scale`, 1 / Math.sqrt(hd))], `${p}/attn/scaled`);
  const probs = g.node('Softmax', [scaled], `${p}/attn/softmax`);
  const out = g.node('BatchMatMulV2', [probs, v4], `${p}/attn/av`, { adj_x: attr.bool(false), adj_y: attr.bool(false) }); // [B, h', T, vmax]
  const merged = g.node('Transpose', [out, g.int32([0, 2, 1, 3])], `${p}/attn/merge`, { Tperm: attr.dtype('int32') }); // [B, T, h', vmax]
  const flat = g.node('Reshape', [merged, g.int32([-1, heads * vmax])], `${p}/attn/flat`, { Tshape: attr.dtype('int32') }); // [B*T, h'*vmax]
  return linear(g, flat, `${p}/attn/proj`, b.wProj, b.bProj); // [B*T, D]
}

/** MLP on LN2 output h [B*T, D] -> [B*T, D] (before the residual). */
function mlp(g: TfjsGraph, b: MlpLayout, h: string, p: string, mode: KeptInputs): string {
  const fc1 = keptLinear(g, h, b.fc1In, `${p}/mlp/fc1`, b.wFc1, b.bFc1, b.wFc2.dims[1], mode); // [B*T, u]
  return linear(g, geluErf(g, fc1, `${p}/mlp/gelu`), `${p}/mlp/fc2`, b.wFc2, b.bFc2); // [B*T, D]
}

/** One pre-norm block on the flattened residual x [B*T, D] -> [B*T, D]; a removed sublayer adds no node. */
function block(g: TfjsGraph, layout: ExportLayout, i: number, x: string, mode: KeptInputs): string {
  const { attn, mlp: ffn } = layout.blocks[i];
  const p = `blocks_${i}`;
  const eps = layout.cfg.layerNormEps;
  const y = attn ? g.node('AddV2', [x, attention(g, attn, layout.tokens, layerNorm(g, x, `${p}/norm1`, attn.norm1, eps), p, mode)], `${p}/residual1`) : x;
  return ffn ? g.node('AddV2', [y, mlp(g, ffn, layerNorm(g, y, `${p}/norm2`, ffn.norm2, eps), p, mode)], `${p}/residual2`) : y;
}

/** Patch embedding (NHWC Conv2D, kernel = stride = P) plus tokens and position embedding: [B*T, D]. */
function embed(g: TfjsGraph, layout: ExportLayout, input: string): string {
  const { patchSize: P, embedDim: D, inChans: C } = layout.cfg;
  const [, pt] = layout.prefix.dims;
  const nhwc = g.node('Transpose', [input, g.int32([0, 2, 3, 1])], 'patch_embed/nhwc', { Tperm: attr.dtype('int32') }); // [B, H, W, C]
  const filter = { dims: [P, P, C, D], data: hwioFilter(layout.patchW.data, D, C, P) };
  const conv = g.node('Conv2D', [nhwc, init(g, 'patch_embed/filter', filter)], 'patch_embed/conv', {
    strides: attr.ints([1, P, P, 1]), padding: attr.string('VALID'), data_format: attr.string('NHWC'),
    dilations: attr.ints([1, 1, 1, 1]), explicit_paddings: attr.ints([]),
  }); // [B, hp, wp, D]
  const biased = g.node('BiasAdd', [conv, init(g, 'patch_embed/bias', layout.patchB)], 'patch_embed/bias_add'); // [B, hp, wp, D]
  const patches = g.node('Reshape', [biased, g.int32([-1, layout.tokens - pt, D])], 'patch_embed/tokens', { Tshape: attr.dtype('int32') }); // [B, n, D]
  const placed = g.node('AddV2', [patches, init(g, 'pos_embed/patches', layout.posPatch)], 'pos_embed/add'); // [B, n, D]
  const shape = g.node('Shape', [input], 'tokens/input_shape', { out_type: attr.dtype('int32') }); // [4]
  const batch = g.node('StridedSlice', [shape, g.int32([0]), g.int32([1]), g.int32([1])], 'tokens/batch', {
    Index: attr.dtype('int32'), begin_mask: attr.int(0), end_mask: attr.int(0), ellipsis_mask: attr.int(0),
    new_axis_mask: attr.int(0), shrink_axis_mask: attr.int(0),
  }); // [1] = [B]
  const target = g.node('ConcatV2', [batch, g.int32([pt, D]), g.int32([0], true)], 'tokens/shape', { N: attr.int(2), Tidx: attr.dtype('int32') });
  const prefix = g.node('BroadcastTo', [init(g, 'tokens/prefix', layout.prefix), target], 'tokens/prefix_batch', { Tidx: attr.dtype('int32') }); // [B, pt, D]
  const seq = g.node('ConcatV2', [prefix, placed, g.int32([1], true)], 'tokens/concat', { N: attr.int(2), Tidx: attr.dtype('int32') }); // [B, T, D]
  return g.node('Reshape', [seq, g.int32([-1, D])], 'tokens/flat', { Tshape: attr.dtype('int32') }); // [B*T, D]
}

/** PyTorch conv kernel [D, C, P, P] -> TF filter [P, P, C, D]. */
function hwioFilter(w: Float32Array, D: number, C: number, P: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let d = 0; d < D; d++) for (let c = 0; c < C; c++) for (let y = 0; y < P; y++) for (let x = 0; x < P; x++) {
    out[((y * P + x) * C + c) * D + d] = w[((d * C + c) * P + y) * P + x];
  }
  return out;
}


/** Adds the slim ViT to `g`: Placeholder TFJS_INPUT [-1, C, H, W] -> Identity TFJS_OUTPUT [-1, classes]; kept inputs read as `mode` says. */
export function addVitNodes(g: TfjsGraph, layout: ExportLayout, mode: KeptInputs = 'zero-rows'): void {
  const { inChans, imageSize, embedDim: D, layerNormEps: eps } = layout.cfg;
  const input = g.placeholder(TFJS_INPUT, [-1, inChans, imageSize[0], imageSize[1]]);
  let x = embed(g, layout, input);
  for (let i = 0; i < layout.blocks.length; i++) x = block(g, layout, i, x, mode);
  if (!layout.head) throw new Error('cannot export a model without a classifier head');
  const seq = g.node('Reshape', [x, g.int32([-1, layout.tokens, D])], 'final/tokens', { Tshape: attr.dtype('int32') }); // [B, T, D]
  // The final norm is per token: normalising only the tokens the heads read equals normalising all of them.
  let logits: string;
  if (!layout.headDist) {
    const cls = layerNorm(g, gatherAxis1(g, seq, [0], true, 'final/cls'), 'norm', layout.norm, eps); // [B, D]
    logits = linear(g, cls, 'head', layout.head.w, layout.head.b); // [B, classes]
  } else {
    const normed = layerNorm(g, gatherAxis1(g, seq, [0, 1], false, 'final/prefix'), 'norm', layout.norm, eps); // [B, 2, D]
    const cls = linear(g, gatherAxis1(g, normed, [0], true, 'final/cls'), 'head', layout.head.w, layout.head.b); // [B, classes]
    const dist = linear(g, gatherAxis1(g, normed, [1], true, 'final/dist'), 'head_dist', layout.headDist.w, layout.headDist.b);
    logits = g.node('Mul', [g.node('AddV2', [cls, dist], 'heads/sum'), g.scalar('heads/half', 0.5)], 'heads/mean'); // [B, classes]
  }
  if (g.node('Identity', [logits], TFJS_OUTPUT) !== TFJS_OUTPUT) throw new Error(`internal error: the TF.js output is not named ${TFJS_OUTPUT}`);
}
