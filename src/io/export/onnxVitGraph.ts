/**
 * The slim ViT as ONNX nodes (opset 17), mirroring src/model/vitForward.ts and vitBlock.ts:
 * activations stay [B, T, D] with a dynamic batch B; per block one fused q|k|padded-v MatMul,
 * one batched attention over [B, h', T, hd] (no loop over heads, no padding back to full width),
 * LayerNormalization ops, exact erf GELU. Gathers appear only where residual dims were pruned.
 */
import type { AttentionLayout, ExportLayout, HeadLayout, Mat, MlpLayout, NormMats } from './exportLayout';
import { OnnxGraph } from './onnxGraph';

/** Name of the graph input [batch, C, H, W] and output [batch, classes]. */
export const ONNX_INPUT = 'pixel_values';
export const ONNX_OUTPUT = 'logits';

function init(g: OnnxGraph, name: string, m: Mat): string {
  return g.float(name, m.dims, m.data);
}

/** x @ w + b over the last axis (b optional): [..., in] -> [..., out]. */
function linear(g: OnnxGraph, x: string, name: string, w: Mat, b: Mat | null, out = name): string {
  const y = g.node('MatMul', [x, init(g, `${name}.weight`, w)], b ? `${name}/MatMul` : out);
  return b ? g.node('Add', [y, init(g, `${name}.bias`, b)], out) : y;
}

/** LayerNormalization over the last axis with the model's epsilon. */
function layerNorm(g: OnnxGraph, x: string, name: string, n: NormMats, eps: number): string {
  return g.node('LayerNormalization', [x, init(g, `${name}.weight`, n.gamma), init(g, `${name}.bias`, n.beta)], name,
    { axis: { int: -1 }, epsilon: { float: eps } });
}

/** Kept residual dims of x [B, T, D] -> [B, T, k] (no node when all are kept). */
function gatherDims(g: OnnxGraph, x: string, index: number[] | null, name: string): string {
  return index ? g.node('Gather', [x, g.int64(index, false, `${name}.index`)], name, { axis: { int: 2 } }) : x;
}

/** Exact GELU 0.5 * x * (1 + erf(x / sqrt 2)), as five elementwise nodes (opset 17 has no Gelu). */
function geluErf(g: OnnxGraph, x: string, name: string): string {
  const sqrt2 = g.scalar(`${name}.sqrt2`, Math.SQRT2);
  const erf = g.node('Erf', [g.node('Div', [x, sqrt2], `${name}/Div`)], `${name}/Erf`);
  const onePlus = g.node('Add', [erf, g.scalar(`${name}.one`, 1)], `${name}/Add`);
  return g.node('Mul', [g.node('Mul', [x, onePlus], `${name}/Mul`), g.scalar(`${name}.half`, 0.5)], name);
}

/** [B, T, heads*width] -> [B, heads, T, width] (or [B, heads, width, T] when `keyT`). */
function splitHeads(g: OnnxGraph, x: string, heads: number, width: number, name: string, keyT = false): string {
  const r = g.node('Reshape', [x, g.int64([0, 0, heads, width])], `${name}/Reshape`); // [B, T, h', w]
  return g.node('Transpose', [r], name, { perm: { ints: keyT ? [0, 2, 3, 1] : [0, 2, 1, 3] } }); // [B, h', T, w] / [B, h', w, T]
}

/** Multi-head self-attention of one block on LN1 output h [B, T, D] -> [B, T, D] (before the residual). */
function attention(g: OnnxGraph, b: AttentionLayout, h: string, p: string): string {
  const { heads, headDim: hd, vmax } = b;
  const x = gatherDims(g, h, b.qkvIn, `${p}attn.qkv_in`); // [B, T, k]
  const qkv = linear(g, x, `${p}attn.qkv`, b.wQkv, b.bQkv); // [B, T, 2*h'*hd + h'*vmax]
  const [q, k, v] = g.nodeN('Split', [qkv, g.int64([heads * hd, heads * hd, heads * vmax])], `${p}attn/Split`, 3,
    { axis: { int: 2 } });
  const q4 = splitHeads(g, q, heads, hd, `${p}attn/q`); // [B, h', T, hd]
  const kT = splitHeads(g, k, heads, hd, `${p}attn/kT`, true); // [B, h', hd, T]
  const v4 = splitHeads(g, v, heads, vmax, `${p}attn/v`); // [B, h', T, vmax]
  const scores = g.node('MatMul', [q4, kT], `${p}attn/QK`); // [B, h', T, T]
  const scaled = g.node('Mul', [scores, g.scalar(`${p}attn.scale`, 1 / Math.sqrt(hd))], `${p}attn/scale`);
  const probs = g.node('Softmax', [scaled], `${p}attn/Softmax`, { axis: { int: -1 } });
  const out = g.node('MatMul', [probs, v4], `${p}attn/AV`); // [B, h', T, vmax]
  const merged = g.node('Transpose', [out], `${p}attn/merge`, { perm: { ints: [0, 2, 1, 3] } }); // [B, T, h', vmax]
  const flat = g.node('Reshape', [merged, g.int64([0, 0, heads * vmax])], `${p}attn/flat`); // [B, T, h'*vmax]
  return linear(g, flat, `${p}attn.proj`, b.wProj, b.bProj); // [B, T, D]
}

/** MLP of one block on LN2 output h [B, T, D] -> [B, T, D] (before the residual). */
function mlp(g: OnnxGraph, b: MlpLayout, h: string, p: string): string {
  const x = gatherDims(g, h, b.fc1In, `${p}mlp.fc1_in`); // [B, T, m]
  const hidden = geluErf(g, linear(g, x, `${p}mlp.fc1`, b.wFc1, b.bFc1), `${p}mlp/gelu`); // [B, T, u]
  return linear(g, hidden, `${p}mlp.fc2`, b.wFc2, b.bFc2); // [B, T, D]
}

/** One pre-norm block on the residual x [B, T, D] -> [B, T, D]; a removed sublayer adds no node. */
function block(g: OnnxGraph, layout: ExportLayout, i: number, x: string): string {
  const { attn, mlp: ffn } = layout.blocks[i];
  const p = `blocks.${i}.`;
  const eps = layout.cfg.layerNormEps;
  const y = attn ? g.node('Add', [x, attention(g, attn, layerNorm(g, x, `${p}norm1`, attn.norm1, eps), p)], `${p}residual1`) : x;
  return ffn ? g.node('Add', [y, mlp(g, ffn, layerNorm(g, y, `${p}norm2`, ffn.norm2, eps), p)], `${p}residual2`) : y;
}

/** Patch embedding (Conv, kernel = stride = P) plus tokens and position embedding: [B, T, D]. */
function embed(g: OnnxGraph, layout: ExportLayout): string {
  const { patchSize: P, embedDim: D } = layout.cfg;
  const conv = g.node('Conv', [ONNX_INPUT, init(g, 'patch_embed.proj.weight', layout.patchW), init(g, 'patch_embed.proj.bias', layout.patchB)],
    'patch_embed.proj', { kernel_shape: { ints: [P, P] }, strides: { ints: [P, P] } }); // [B, D, hp, wp]
  const flat = g.node('Reshape', [conv, g.int64([0, D, -1])], 'patch_embed/flatten'); // [B, D, n]
  const patches = g.node('Transpose', [flat], 'patch_embed/tokens', { perm: { ints: [0, 2, 1] } }); // [B, n, D]
  const placed = g.node('Add', [patches, init(g, 'pos_embed.patches', layout.posPatch)], 'pos_embed/add'); // [B, n, D]
  const batch = g.node('Shape', [ONNX_INPUT], 'tokens/batch', { start: { int: 0 }, end: { int: 1 } }); // [1] = [B]
  const pt = layout.prefix.dims[1];
  const shape = g.node('Concat', [batch, g.int64([pt, D])], 'tokens/shape', { axis: { int: 0 } }); // [3] = [B, pt, D]
  const prefix = g.node('Expand', [init(g, 'tokens.prefix', layout.prefix), shape], 'tokens/expand'); // [B, pt, D]
  return g.node('Concat', [prefix, placed], 'tokens', { axis: { int: 1 } }); // [B, T, D]
}

/** Classifier head on a normalised token t [B, D] -> [B, classes]. */
function classify(g: OnnxGraph, t: string, name: string, head: HeadLayout, out: string): string {
  return linear(g, t, name, head.w, head.b, out); // [B, classes]
}

/** Token `j` of x [B, T', D] -> [B, D]. */
function token(g: OnnxGraph, x: string, j: number, name: string): string {
  return g.node('Gather', [x, g.int64([j], true)], name, { axis: { int: 1 } }); // [B, D]
}

/** Adds every node of the slim ViT to `g`: input ONNX_INPUT [B, C, H, W] -> output ONNX_OUTPUT [B, classes]. */
export function addVitNodes(g: OnnxGraph, layout: ExportLayout): void {
  let x = embed(g, layout);
  for (let i = 0; i < layout.blocks.length; i++) x = block(g, layout, i, x);
  if (!layout.head) throw new Error('cannot export a model without a classifier head');
  const eps = layout.cfg.layerNormEps;
  if (!layout.headDist) {
    // The final norm is per token, so normalising only the class token equals normalising all of them.
    expectOutput(classify(g, layerNorm(g, token(g, x, 0, 'cls_token/pick'), 'norm', layout.norm, eps), 'head', layout.head, ONNX_OUTPUT));
    return;
  }
  const prefix = g.node('Slice', [x, g.int64([0]), g.int64([2]), g.int64([1])], 'prefix_tokens'); // [B, 2, D]
  const normed = layerNorm(g, prefix, 'norm', layout.norm, eps); // [B, 2, D]
  const cls = classify(g, token(g, normed, 0, 'cls_token/pick'), 'head', layout.head, 'head/logits');
  const dist = classify(g, token(g, normed, 1, 'dist_token/pick'), 'head_dist', layout.headDist, 'head_dist/logits');
  const sum = g.node('Add', [cls, dist], 'heads/sum'); // [B, classes]
  expectOutput(g.node('Mul', [sum, g.scalar('heads.half', 0.5)], ONNX_OUTPUT)); // mean of both heads [B, classes]
}

/** The last node must produce exactly the declared graph output. */
function expectOutput(name: string): void {
  if (name !== ONNX_OUTPUT) throw new Error(`internal error: the ONNX graph output is named ${name}, not ${ONNX_OUTPUT}`);
}
