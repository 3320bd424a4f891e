import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { vitConfig, type VitConfig } from '../../src/model/vitConfig';
import { randomVitTensors, seededRandom } from '../../src/model/vitInit';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { vitLogits } from '../../src/model/vitForward';
import { GATE_NAMES, gateLengths, type BlockGates } from '../../src/model/vitGates';
import { slimWeights, type BlockFold, type BlockKeep } from '../../src/prune/slimWeights';
import { columnSelection, selectColumns } from '../../src/model/layerOps';
import { maxAbsDiff, useCpuBackend } from './helpers/backend';

beforeAll(useCpuBackend);

/** A tiny random architecture from fast-check parameters. */
const tinyConfig = fc.record({
  heads: fc.integer({ min: 1, max: 3 }),
  headDim: fc.integer({ min: 2, max: 5 }),
  depth: fc.integer({ min: 1, max: 2 }),
  hidden: fc.integer({ min: 3, max: 12 }),
  chans: fc.integer({ min: 1, max: 3 }),
  hp: fc.integer({ min: 1, max: 3 }),
  wp: fc.integer({ min: 1, max: 3 }),
  distilled: fc.boolean(),
  qkvBias: fc.boolean(),
  seed: fc.nat(),
}).map((r) => vitConfig({
  imageSize: [r.hp * 3, r.wp * 3], patchSize: 3, inChans: r.chans, embedDim: r.heads * r.headDim, depth: r.depth,
  numHeads: r.heads, mlpHidden: r.hidden, numClasses: 4, distilled: r.distilled, qkvBias: r.qkvBias, architecture: `seed${r.seed}`,
}));

function seedOf(cfg: VitConfig): number { return Number(cfg.architecture.slice(4)); }

function images(cfg: VitConfig, batch: number, seed: number): tf.Tensor4D {
  return tf.randomNormal([batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]], 0, 1, 'float32', seed + 1) as tf.Tensor4D; // seed 0 would mean unseeded
}

async function logitsOf(cfg: VitConfig, host = randomVitTensors(cfg, { seed: seedOf(cfg), weightStd: 0.3, biasStd: 0.1 }), gates?: BlockGates[]) {
  const params = vitParams(cfg, host);
  const x = images(cfg, 2, seedOf(cfg));
  const y = vitLogits(params, x, gates);
  const out = await y.data();
  tf.dispose([x, y]);
  disposeVitParams(params);
  return out;
}

/** Random keep masks (>= 1 kept per gate, some heads emptied) and positive scores for every block. */
function randomMasks(cfg: VitConfig, seed: number): { keep: BlockKeep[]; scores: BlockFold[] } {
  const rand = seededRandom(seed);
  const keep: BlockKeep[] = [];
  const scores: BlockFold[] = [];
  for (let i = 0; i < cfg.depth; i++) {
    const len = gateLengths(cfg, i);
    const k = {} as BlockKeep;
    const s = {} as BlockFold;
    for (const g of GATE_NAMES) {
      k[g] = Array.from({ length: len[g] }, () => rand() < 0.6);
      k[g][Math.floor(rand() * len[g])] = true;
      s[g] = Float32Array.from({ length: len[g] }, () => 0.2 + rand());
    }
    if (cfg.numHeads > 1) {
      k.attn.fill(false, 0, cfg.headDim); // head 0 loses every value dim: dropped
      k.attn[cfg.headDim + Math.floor(rand() * cfg.headDim)] = true; // head 1 keeps at least one
    }
    keep.push(k);
    scores.push(s);
  }
  return { keep, scores };
}

function gateTensors(keep: BlockKeep[], scores: BlockFold[], fold: boolean): BlockGates[] {
  return keep.map((k, i) => Object.fromEntries(GATE_NAMES.map((g) => [g, tf.tensor1d(k[g].map((on, j) => (on ? (fold ? scores[i][g][j] : 1) : 0)))])));
}

describe('vit forward', () => {
  it('gates of all ones give exactly the ungated logits', async () => {
    await fc.assert(fc.asyncProperty(tinyConfig, async (cfg) => {
      const gates = Array.from({ length: cfg.depth }, (_, i) => Object.fromEntries(GATE_NAMES.map((g) => [g, tf.ones([gateLengths(cfg, i)[g]])]))) as BlockGates[];
      const plain = await logitsOf(cfg);
      const gated = await logitsOf(cfg, undefined, gates);
      gates.forEach((g) => tf.dispose(Object.values(g)));
      expect(Array.from(gated)).toEqual(Array.from(plain));
    }), { numRuns: 15 });
  });

  it('a slim model (dropped head, uneven heads, gathered inputs) equals the hard-masked full model', async () => {
    await fc.assert(fc.asyncProperty(tinyConfig, fc.boolean(), async (cfg, fold) => {
      const host = randomVitTensors(cfg, { seed: seedOf(cfg), weightStd: 0.3, biasStd: 0.1 });
      const { keep, scores } = randomMasks(cfg, seedOf(cfg) + 1);
      const gates = gateTensors(keep, scores, fold);
      const masked = await logitsOf(cfg, host, gates);
      gates.forEach((g) => tf.dispose(Object.values(g)));
      const slim = slimWeights(cfg, host, keep, fold ? scores : null);
      if (cfg.numHeads > 1) expect(slim.config.blocks![0].heads).not.toContain(0);
      expect(maxAbsDiff(await logitsOf(slim.config, slim.tensors), masked)).toBeLessThan(1e-5);
    }), { numRuns: 20 });
  });

  it('does not leak tensors across repeated inference calls', async () => {
    const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 8, depth: 2, numHeads: 2, mlpHidden: 16, numClasses: 3, distilled: true });
    const params = vitParams(cfg, randomVitTensors(cfg));
    const x = images(cfg, 3, 1);
    const run = async () => { const y = vitLogits(params, x); await y.data(); y.dispose(); };
    await run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await run();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    disposeVitParams(params);
  });

  it('rejects images of the wrong shape with a clear message', () => {
    const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 8, depth: 1, numHeads: 2, mlpHidden: 8, numClasses: 3 });
    const params = vitParams(cfg, randomVitTensors(cfg));
    const x = tf.zeros([1, 3, 8, 8]) as tf.Tensor4D;
    expect(() => vitLogits(params, x)).toThrow(/expects \[B, 1, 8, 8\]/);
    x.dispose();
    disposeVitParams(params);
  });
});

describe('vit training mode', () => {
  const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 2, embedDim: 8, depth: 2, numHeads: 2, mlpHidden: 12, numClasses: 3, distilled: true });

  it('gives gradients for weights and gates that match finite differences, without leaks', async () => {
    const params = vitParams(cfg, randomVitTensors(cfg, { weightStd: 0.3, biasStd: 0.1, seed: 3 }), true);
    const gates = Array.from({ length: cfg.depth }, (_, i) => Object.fromEntries(GATE_NAMES.map((g) => [g, tf.variable(tf.randomUniform([gateLengths(cfg, i)[g]], 0.5, 1.5, 'float32', i))]))) as Record<string, tf.Variable>[];
    const x = images(cfg, 2, 7);
    const target = tf.tensor2d([[1, 0, 0], [0, 0, 1]]);
    const loss = () => tf.losses.softmaxCrossEntropy(target, vitLogits(params, x, gates as BlockGates[])) as tf.Scalar;
    const before = tf.memory().numTensors;
    const probes = [gates[1].hidden, gates[0].attn, gates[0].qkv, params.blocks[0].attn!.wQ, params.blocks[0].attn!.wV, params.patchW, params.headDist!.w];
    const { value, grads } = tf.variableGrads(loss, probes);
    expect(Object.keys(grads)).toHaveLength(probes.length);
    expect(tf.memory().numTensors).toBe(before + probes.length + 1); // only the loss and the gradients survive
    for (const v of probes) {
      const g = (await grads[v.name].data()) as Float32Array;
      const values = (await v.data()) as Float32Array;
      const j = g.reduce((best, val, i) => (Math.abs(val) > Math.abs(g[best]) ? i : best), 0);
      const eps = 1e-2;
      const at = (delta: number) => { const copy = values.slice(); copy[j] += delta; tf.tidy(() => v.assign(tf.tensor(copy, v.shape))); return tf.tidy(() => loss().dataSync()[0]); };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
      expect(Math.abs(g[j])).toBeGreaterThan(1e-4);
      expect(Math.abs(numeric - g[j])).toBeLessThan(2e-3 + 0.02 * Math.abs(g[j]));
    }
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, target]);
    gates.forEach((g) => tf.dispose(Object.values(g)));
    disposeVitParams(params);
  });
});

describe('hand-written gradients (frozen weights: LayerNorm, GELU, linear)', () => {
  const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 2, embedDim: 8, depth: 2, numHeads: 2, mlpHidden: 12, numClasses: 3 });

  it('give the same gate gradients as tfjs autodiff (trainable weights take the autodiff path), within 1e-5', async () => {
    const host = randomVitTensors(cfg, { weightStd: 0.3, biasStd: 0.1, seed: 11 });
    const x = images(cfg, 3, 5);
    const target = tf.tensor2d([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    const gateGrads = async (trainable: boolean): Promise<Float32Array[]> => {
      const params = vitParams(cfg, host, trainable);
      const gates = Array.from({ length: cfg.depth }, (_, i) => Object.fromEntries(GATE_NAMES.map((g) => [g, tf.tidy(() => tf.variable(tf.randomUniform([gateLengths(cfg, i)[g]], 0.5, 1.5, 'float32', 7 + i)))]))) as Record<string, tf.Variable>[];
      const probes = gates.flatMap((g) => Object.values(g));
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(target, vitLogits(params, x, gates as BlockGates[])) as tf.Scalar, probes);
      const out = await Promise.all(probes.map((v) => grads[v.name].data() as Promise<Float32Array>));
      tf.dispose([value, ...Object.values(grads), ...probes]);
      disposeVitParams(params);
      return out;
    };
    const before = tf.memory().numTensors;
    const custom = await gateGrads(false);
    const autodiff = await gateGrads(true);
    expect(tf.memory().numTensors).toBe(before);
    custom.forEach((g, i) => expect(maxAbsDiff(g, autodiff[i])).toBeLessThan(1e-5));
    expect(Math.max(...custom.map((g) => Math.max(...g.map(Math.abs))))).toBeGreaterThan(1e-3); // not all zero
    tf.dispose([x, target]);
  });
});

describe('selectColumns', () => {
  it('has the same value and gradient as tf.gather, without a scatter kernel', async () => {
    const x = tf.randomNormal([5, 7], 0, 1, 'float32', 3) as tf.Tensor2D;
    const w = tf.randomNormal([3, 4], 0, 1, 'float32', 4) as tf.Tensor2D;
    const kept = [1, 4, 6];
    const sel = columnSelection(kept, 7);
    const index = tf.tensor1d(kept, 'int32');
    const ours = tf.grad((a: tf.Tensor) => tf.sum(tf.matMul(selectColumns(a as tf.Tensor2D, sel), w)))(x);
    const ref = tf.grad((a: tf.Tensor) => tf.sum(tf.matMul(tf.gather(a, index, 1) as tf.Tensor2D, w)))(x);
    expect(maxAbsDiff(await ours.data(), await ref.data())).toBe(0);
    expect(maxAbsDiff(await selectColumns(x, sel).data(), await tf.gather(x, index, 1).data())).toBe(0);
    tf.dispose([x, w, sel.index, sel.inverse, index, ours, ref]);
  });
});
