/**
 * The one-call inference block (src/model/kernels/blockKernel.ts, 'VtpBlock' on wasm) against the tfjs-op path
 * of the same block (vitBlock's ops, themselves checked against PyTorch in torchParity/demoModel): full and
 * slim blocks (uneven value heads, kept-dim gathers, removed sublayers), with and without q/k/v biases, batches
 * that span several chunks; and when it applies (never while a gradient is being recorded, never with gates).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../src/cli/nodeBackend';
import { BLOCK_KERNEL } from '../../src/model/kernels/wasmBlockKernel';
import { inferenceBlockApplies } from '../../src/model/inferenceBlock';
import { vitConfig, withoutAttention, withoutMlp, type BlockDims, type VitConfig } from '../../src/model/vitConfig';
import { randomVitTensors, seededImages } from '../../src/model/vitInit';
import { vitLogits } from '../../src/model/vitForward';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';

/** Logits of `cfg` with seeded weights on `batch` seeded images, read back (the kernel registered or not). */
async function logits(cfg: VitConfig, batch: number, withKernel: boolean): Promise<Float32Array> {
  const kernel = tf.getKernel(BLOCK_KERNEL, 'wasm')!;
  if (!withKernel) tf.unregisterKernel(BLOCK_KERNEL, 'wasm');
  try {
    const params = vitParams(cfg, randomVitTensors(cfg, { seed: 7 }));
    const x = tf.tensor4d(seededImages(cfg, batch), [batch, cfg.inChans, ...cfg.imageSize]); // [B, C, H, W]
    const y = vitLogits(params, x);
    const out = await y.data() as Float32Array;
    tf.dispose([x, y]);
    disposeVitParams(params);
    return out;
  } finally {
    if (!withKernel) tf.registerKernel(kernel);
  }
}

/** Largest |a - b| / (1 + |b|). */
function relDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / (1 + Math.abs(b[i]))), 0);
}

const base = vitConfig({ imageSize: [8, 8], patchSize: 2, inChans: 1, embedDim: 16, depth: 4, numHeads: 4, mlpHidden: 32, numClasses: 5 });
const full = (): BlockDims => ({ qkvIn: null, heads: [0, 1, 2, 3], valueWidths: [4, 4, 4, 4], fc1In: null, hidden: 32 });
/** Slim blocks: uneven value widths and gathers; a block without attention; one without MLP; one of odd widths. */
const slimBlocks: BlockDims[] = [
  { qkvIn: [0, 2, 3, 5, 8, 9, 13], heads: [0, 2, 3], valueWidths: [3, 1, 4], fc1In: [1, 2, 4, 6, 7, 10, 11, 15], hidden: 13 },
  withoutAttention({ ...full(), fc1In: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], hidden: 7 }),
  withoutMlp({ ...full(), qkvIn: [3, 4, 5], heads: [1], valueWidths: [2] }),
  { qkvIn: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], heads: [0, 1], valueWidths: [1, 3], fc1In: null, hidden: 1 },
];

beforeAll(async () => { await useNodeBackend('wasm'); });
afterAll(async () => { await tf.setBackend('cpu'); });

describe('inference block kernel (wasm)', () => {
  it('equals the tfjs-op path within 1e-5 for full and slim blocks, with and without q/k/v bias, 7/16/17/18 tokens, at batch 1, 3 and 40 (several chunks), without leaking tensors', async () => {
    const cases: [string, VitConfig][] = [
      ['full', base],
      ['slim', vitConfig({ ...base, blocks: slimBlocks })],
      ['slim, no qkv bias, distilled', vitConfig({ ...base, blocks: slimBlocks, qkvBias: false, distilled: true })],
      ['7 tokens', vitConfig({ ...base, imageSize: [4, 6] })], // softmax rows of 4k + 3 (17: 4k + 1, 18: 4k + 2)
      ['16 tokens', vitConfig({ ...base, imageSize: [6, 10] })], // and of 4k
    ];
    const before = tf.memory().numTensors;
    for (const [name, cfg] of cases) {
      for (const batch of [1, 3, 40]) { // 17 tokens: chunks of 30 images, so 40 spans two
        const fused = await logits(cfg, batch, true);
        const ops = await logits(cfg, batch, false);
        expect(fused.length, name).toBe(batch * cfg.numClasses);
        expect(relDiff(fused, ops), `${name}, batch ${batch}`).toBeLessThan(1e-5);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('applies outside a gradient only, without gates, on wasm; inside tf.grad the op path runs and gradients flow', async () => {
    const x = tf.zeros([17, 16]) as tf.Tensor2D; // [B*T, D]
    expect(inferenceBlockApplies(x, {})).toBe(true);
    const gate = tf.ones([16]) as tf.Tensor1D;
    expect(inferenceBlockApplies(x, { qkv: gate })).toBe(false);
    let inside: boolean | null = null;
    const g = tf.grad((t: tf.Tensor) => { inside = inferenceBlockApplies(x, {}); return tf.sum(t); })(gate);
    expect(inside).toBe(false);
    tf.dispose([g]);
    const params = vitParams(base, randomVitTensors(base, { seed: 2 }));
    const images = tf.tensor4d(seededImages(base, 2), [2, 1, 8, 8]);
    const dx = tf.grad((im: tf.Tensor) => tf.sum(vitLogits(params, im as tf.Tensor4D)))(images);
    expect(Math.max(...Array.from(await dx.data()).map(Math.abs))).toBeGreaterThan(0);
    tf.dispose([dx, images, x, gate]);
    disposeVitParams(params);
    await useNodeBackend('cpu');
    const y = tf.zeros([17, 16]) as tf.Tensor2D;
    expect(inferenceBlockApplies(y, {})).toBe(false);
    y.dispose();
    await useNodeBackend('wasm');
  });

  it("keeps a block's packed weights between calls: two models alternating at two batch sizes, and a weight replaced as a finetune step replaces it, each give the op path's logits", async () => {
    const slim = vitConfig({ ...base, blocks: slimBlocks });
    const a = vitParams(base, randomVitTensors(base, { seed: 3 }));
    const b = vitParams(slim, randomVitTensors(slim, { seed: 4 }));
    const xs = [2, 5].map((n) => tf.tensor4d(seededImages(base, n), [n, 1, 8, 8])); // [B, C, H, W]
    const run = async (p: typeof a, x: tf.Tensor4D): Promise<Float32Array> => { const y = vitLogits(p, x); const out = await y.data() as Float32Array; y.dispose(); return out; };
    const kernel = tf.getKernel(BLOCK_KERNEL, 'wasm')!;
    const opPath = async (p: typeof a, x: tf.Tensor4D): Promise<Float32Array> => {
      tf.unregisterKernel(BLOCK_KERNEL, 'wasm');
      try { return await run(p, x); } finally { tf.registerKernel(kernel); }
    };
    const before = tf.memory().numTensors;
    const refs: Float32Array[][] = [];
    for (const p of [a, b]) refs.push([await opPath(p, xs[0]), await opPath(p, xs[1])]);
    for (let round = 0; round < 3; round++) {
      for (const [i, x] of xs.entries()) { // the call layouts differ per batch; model b is placed after a's first call
        expect(relDiff(await run(a, x), refs[0][i]), `model a, batch ${x.shape[0]}, round ${round}`).toBeLessThan(1e-5);
        expect(relDiff(await run(b, x), refs[1][i]), `model b, batch ${x.shape[0]}, round ${round}`).toBeLessThan(1e-5);
      }
    }
    for (const w of [a.blocks[1].mlp!.wFc2, a.blocks[2].attn!.norm1.gamma]) tf.tidy(() => { w.assign(tf.mul(w, -1.5)); });
    const changed = await opPath(a, xs[0]);
    expect(relDiff(changed, refs[0][0])).toBeGreaterThan(1e-3); // the replaced weights matter
    expect(relDiff(await run(a, xs[0]), changed)).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(xs);
    disposeVitParams(a);
    disposeVitParams(b);
  });

  it('rejects a kept-dim index outside the residual width instead of reading past it', async () => {
    const cfg = vitConfig({ ...base, blocks: [slimBlocks[0], full(), full(), full()] });
    const params = vitParams(cfg, randomVitTensors(cfg, { seed: 1 }));
    const bad = tf.tensor1d([0, 2, 3, 5, 8, 9, 16], 'int32');
    const sel = params.blocks[0].attn!.qkvIn!;
    const good = sel.index;
    sel.index = bad;
    const x = tf.tensor4d(seededImages(cfg, 1), [1, 1, 8, 8]);
    expect(() => vitLogits(params, x)).toThrow(/kept-dim index 16 is not in \[0, 15\]/);
    // the same bad tensors again: the failed packing was not kept, so the check runs again
    expect(() => vitLogits(params, x)).toThrow(/kept-dim index 16 is not in \[0, 15\]/);
    sel.index = good;
    tf.dispose([bad, x]);
    disposeVitParams(params);
  });
});
