/**
 * Learned scalar sublayer gates (issue 14 item 2): y = x + g_attn·Attn(LN1(x)), z = y + g_mlp·MLP(LN2(y)).
 * The gated forward and its gradient against an independent PyTorch float64 reference (skipped with a message
 * where torch is missing); gates of ones change nothing; the L1 term includes them; score files with them
 * round-trip and files without them load as before; folding them into proj / fc2 is exact.
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { vitConfig, type VitConfig } from '../../src/model/vitConfig';
import { randomVitTensors, seededRandom } from '../../src/model/vitInit';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { vitLogits } from '../../src/model/vitForward';
import { GATE_NAMES } from '../../src/model/vitGates';
import type { HostTensors } from '../../src/model/hostTensor';
import { scoreLayout, splitGates, flattenScores, unflattenScores } from '../../src/train/flatScores';
import { trainScores } from '../../src/train/scoreTraining';
import { onesScores, type ScoreSet } from '../../src/prune/scoreSet';
import { readScoreFile, scoreFileBytes } from '../../src/io/scoreFile';
import { CheckpointError } from '../../src/io/checkpointError';
import { maskedGateValues, pruneModel } from '../../src/prune/pruneModel';
import { randomDataset } from '../../bench/scoreStep';
import { pruneMask } from '../../src/prune/pruneMask';
import { sublayerUnitScore, SUBLAYER_SCORE_FORM } from '../../src/prune/sublayerScore';
import { maxAbsDiff, useCpuBackend } from './helpers/backend';
import { gatedLogits } from './helpers/gatedLogits';
import { hasTorch, PYTHON, runPythonJson } from './helpers/torch';

const torchAvailable = hasTorch();
if (!torchAvailable) console.warn(`sublayerGates: PyTorch parity SKIPPED: ${PYTHON} cannot import torch (apt-get install python3-torch)`);

beforeAll(useCpuBackend);

const CFG = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 2, embedDim: 16, depth: 2, numHeads: 2, mlpHidden: 24, numClasses: 5 });
const HOST = randomVitTensors(CFG, { seed: 4, weightStd: 0.3, biasStd: 0.2 });

/** Random dim scores in (0.5, 1.5) and, when `sublayer`, a learned gate in (0.3, 1.7) on every present sublayer. */
function randomScores(cfg: VitConfig, seed: number, sublayer = true): ScoreSet {
  const rand = seededRandom(seed);
  const s = onesScores(cfg);
  s.blocks.forEach((b) => {
    for (const g of GATE_NAMES) b[g] = b[g].map(() => 0.5 + rand());
    if (sublayer) b.sublayer = { ...(b.attn.length ? { attn: 0.3 + 1.4 * rand() } : {}), ...(b.hidden.length ? { mlp: 0.3 + 1.4 * rand() } : {}) };
  });
  return s;
}

/** Seeded images [B, C, H, W]. */
function images(cfg: VitConfig, batch: number): { data: Float32Array; shape: [number, number, number, number] } {
  const rand = seededRandom(99);
  const shape: [number, number, number, number] = [batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]];
  return { data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rand() * 2 - 1), shape };
}

/** Logits [B*classes] of cfg/host on the seeded images, gated by `scores` when given; checks no tensor leaks. */
function logits(cfg: VitConfig, host: HostTensors, scores?: ScoreSet): Promise<Float32Array> {
  return gatedLogits(cfg, host, images(cfg, 3), scores?.blocks);
}

/** The reference: the pre-norm ViT written out in PyTorch float64, gates and sublayer gates as leaf tensors. */
const TORCH_REFERENCE = `
import json, sys, math, torch
torch.set_default_dtype(torch.float64)
inp = json.load(sys.stdin)
c = inp["cfg"]
T = {k: torch.tensor(v["data"]).reshape(v["shape"]) for k, v in inp["tensors"].items()}
x = torch.tensor(inp["images"]["data"]).reshape(inp["images"]["shape"])
dims = [{k: torch.tensor(v, requires_grad=True) for k, v in b.items()} for b in inp["dims"]]
subs = [{k: torch.tensor([v], requires_grad=True) for k, v in b.items()} for b in inp["sublayer"]]
D, H, hd, eps = c["embedDim"], c["numHeads"], c["headDim"], c["layerNormEps"]
ln = lambda t, p: torch.nn.functional.layer_norm(t, (D,), T[p + ".weight"], T[p + ".bias"], eps)
lin = lambda t, p: t @ T[p + ".weight"].T + T[p + ".bias"]
p = torch.nn.functional.conv2d(x, T["patch_embed.proj.weight"], T["patch_embed.proj.bias"], stride=c["patchSize"])
B = x.shape[0]
h = torch.cat([T["cls_token"].expand(B, 1, D), p.flatten(2).transpose(1, 2)], 1) + T["pos_embed"]
for i in range(c["depth"]):
    b = "blocks.%d." % i
    a = ln(h, b + "norm1") * dims[i]["qkv"]
    N = a.shape[1]
    q, k, v = (lin(a, b + "attn." + n).reshape(B, N, H, hd).transpose(1, 2) for n in "qkv")
    o = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), -1) @ v
    o = o.transpose(1, 2).reshape(B, N, H * hd) * dims[i]["attn"]
    h = h + subs[i]["attn"] * lin(o, b + "attn.proj")
    m = torch.nn.functional.gelu(lin(ln(h, b + "norm2") * dims[i]["fc1"], b + "mlp.fc1")) * dims[i]["hidden"]
    h = h + subs[i]["mlp"] * lin(m, b + "mlp.fc2")
y = lin(ln(h, "norm")[:, 0], "head")
(0.5 * (y ** 2).sum()).backward()
grad = [d.grad.tolist() for b in dims for d in (b["qkv"], b["attn"], b["fc1"], b["hidden"])]
print(json.dumps({"logits": y.flatten().tolist(), "dims": grad, "sublayer": [[s[k].grad.item() for k in ("attn", "mlp")] for s in subs]}))
`;

describe('sublayer gates: the gated forward', () => {
  it.skipIf(!torchAvailable)('logits within 1e-4 and the gradient of ½Σlogits² within 1e-3 relative of a PyTorch float64 reference', async () => {
    const scores = randomScores(CFG, 11);
    const tensors = Object.fromEntries([...HOST].map(([k, t]) => {
      // The project splits q/k/v; the reference reads them under the same names.
      return [k, { shape: t.shape, data: Array.from(t.data) }];
    }));
    const img = images(CFG, 3);
    const ref = runPythonJson<{ logits: number[]; dims: number[][]; sublayer: number[][] }>(TORCH_REFERENCE, {
      cfg: CFG, tensors, images: { data: Array.from(img.data), shape: img.shape },
      dims: scores.blocks.map((b) => Object.fromEntries(GATE_NAMES.map((g) => [g, Array.from(b[g])]))),
      sublayer: scores.blocks.map((b) => b.sublayer),
    });
    expect(maxAbsDiff(await logits(CFG, HOST, scores), ref.logits)).toBeLessThan(1e-4);
    // The same gradient through the training layout (one flat vector, split per gate; sublayer gates last).
    const layout = scoreLayout(CFG, true);
    const params = vitParams(CFG, HOST);
    const x = tf.tensor4d(img.data, img.shape);
    const flat = tf.tensor1d(flattenScores(scores, layout));
    const grad = tf.grad((f: tf.Tensor) => tf.mul(tf.sum(tf.square(vitLogits(params, x, splitGates(f as tf.Tensor1D, layout)))), 0.5))(flat);
    const got = (await grad.data()) as Float32Array;
    tf.dispose([x, flat, grad]);
    disposeVitParams(params);
    const want = [...ref.dims.flat(), ...ref.sublayer.flat()];
    const scale = Math.max(...want.map(Math.abs));
    expect(layout.sublayers.map((s) => `${s.block}:${s.part}`)).toEqual(['0:attn', '0:mlp', '1:attn', '1:mlp']);
    expect(maxAbsDiff(got, want) / scale).toBeLessThan(1e-3);
    expect(Math.min(...ref.sublayer.flat().map(Math.abs))).toBeGreaterThan(1e-6); // the sublayer gates do get a gradient
  });

  it('gates of ones change nothing (random dim gates, random seeds)', async () => {
    await fc.assert(fc.asyncProperty(fc.nat({ max: 1000 }), async (seed) => {
      const scores = randomScores(CFG, seed, false);
      const withOnes = { blocks: scores.blocks.map((b) => ({ ...b, sublayer: { attn: 1, mlp: 1 } })) };
      expect(maxAbsDiff(await logits(CFG, HOST, withOnes), await logits(CFG, HOST, scores))).toBe(0);
    }), { numRuns: 8 });
    // ... and a gate other than 1 does change the logits.
    const off = { blocks: onesScores(CFG).blocks.map((b, i) => ({ ...b, sublayer: i === 1 ? { mlp: 0.5 } : {} })) };
    expect(maxAbsDiff(await logits(CFG, HOST, off), await logits(CFG, HOST))).toBeGreaterThan(1e-3);
  });
});

describe('sublayer gates: score training', () => {
  it('the L1 term sums |a| over the dims and |g| over the sublayer gates; the gates train and nothing leaks', async () => {
    const ds = randomDataset(CFG, 16);
    const params = vitParams(CFG, HOST);
    const initial = randomScores(CFG, 5);
    initial.blocks[1].sublayer = { attn: -2.5, mlp: 3 };
    const dimsL1 = initial.blocks.reduce((n, b) => n + GATE_NAMES.reduce((m, g) => m + b[g].reduce((s, v) => s + Math.abs(v), 0), 0), 0);
    const gatesL1 = initial.blocks.reduce((n, b) => n + Math.abs(b.sublayer!.attn!) + Math.abs(b.sublayer!.mlp!), 0);
    const before = tf.memory().numTensors;
    const options = { steps: 2, batchSize: 8, lr: 0.05, augment: null, initial };
    const plain = await trainScores(params, ds, options);
    const gated = await trainScores(params, ds, { ...options, sublayerGates: true });
    expect(tf.memory().numTensors).toBe(before);
    disposeVitParams(params);
    expect(plain.history.l1[0]).toBeCloseTo(dimsL1, 2);
    expect(gated.history.l1[0]).toBeCloseTo(dimsL1 + gatesL1, 2);
    expect(plain.scores.blocks.every((b) => b.sublayer === undefined)).toBe(true);
    const trained = gated.scores.blocks.map((b) => b.sublayer!);
    expect(trained.every((s) => s.attn !== undefined && s.mlp !== undefined)).toBe(true);
    expect(Math.abs(trained[1].mlp! - 3)).toBeGreaterThan(1e-3); // moved
  });

  it('a removed sublayer has no gate in the layout; scores without gates start them at 1', () => {
    const slim = vitConfig({ ...CFG, blocks: [{ qkvIn: [], heads: [], valueWidths: [], fc1In: null, hidden: 24 }, { qkvIn: null, heads: [0, 1], valueWidths: [8, 8], fc1In: [], hidden: 0 }] });
    const layout = scoreLayout(slim, true);
    expect(layout.sublayers.map((s) => `${s.block}:${s.part}`)).toEqual(['0:mlp', '1:attn']);
    const flat = flattenScores(onesScores(slim), layout);
    expect(flat.length).toBe(scoreLayout(slim).total + 2);
    expect(Array.from(flat.slice(-2))).toEqual([1, 1]);
    expect(unflattenScores(flat, layout).blocks.map((b) => b.sublayer)).toEqual([{ mlp: 1 }, { attn: 1 }]);
  });
});

describe('sublayer gates: score files', () => {
  it('files with sublayer gates round-trip; files without them load exactly as before', () => {
    const scores = randomScores(CFG, 7);
    const back = readScoreFile(scoreFileBytes(scores), CFG);
    expect(back.blocks.map((b) => b.sublayer)).toEqual(scores.blocks.map((b) => ({ attn: Math.fround(b.sublayer!.attn!), mlp: Math.fround(b.sublayer!.mlp!) })));
    const old = randomScores(CFG, 7, false);
    const oldBack = readScoreFile(scoreFileBytes(old), CFG);
    expect(oldBack).toEqual(old);
    expect(oldBack.blocks.every((b) => !('sublayer' in b))).toBe(true);
  });

  it('refuses a partial set, a gate of a removed sublayer, a wrong shape and a non-finite gate', () => {
    const scores = randomScores(CFG, 8);
    const partial = { blocks: scores.blocks.map((b, i) => (i === 1 ? { ...b, sublayer: { attn: 1 } } : b)) };
    expect(() => readScoreFile(scoreFileBytes(partial), CFG)).toThrow(/has learned sublayer gates but no blocks\.1\.gate\.sublayer_mlp/);
    const slim = vitConfig({ ...CFG, blocks: [{ qkvIn: null, heads: [0, 1], valueWidths: [8, 8], fc1In: [], hidden: 0 }, { qkvIn: null, heads: [0, 1], valueWidths: [8, 8], fc1In: null, hidden: 24 }] });
    const slimScores = randomScores(slim, 9);
    slimScores.blocks[0].sublayer = { attn: 1, mlp: 1 };
    expect(() => readScoreFile(scoreFileBytes(slimScores), slim)).toThrow(/blocks\.0\.gate\.sublayer_mlp, which this model does not have/);
    const nan = { blocks: scores.blocks.map((b) => ({ ...b, sublayer: { attn: NaN, mlp: 1 } })) };
    expect(() => readScoreFile(scoreFileBytes(nan), CFG)).toThrow(CheckpointError);
    expect(() => readScoreFile(scoreFileBytes(nan), CFG)).toThrow(/blocks\.0\.gate\.sublayer_attn\[0\] is NaN/);
  });
});

describe('sublayer gates: folded pruning', () => {
  for (const sublayers of [false, true]) {
    for (const fold of [true, false]) {
      it(`slim equals the gated masked model within 1e-4 (${fold ? 'folded' : 'binary masks: values ignored'}, whole sublayers ${sublayers ? 'on' : 'off'})`, async () => {
        const scores = randomScores(CFG, 21);
        scores.blocks[0].hidden.fill(0.01); // the MLP of block 0 is the weakest unit, by any form of its score
        scores.blocks[0].sublayer!.mlp = 0.02;
        const pruned = pruneModel(CFG, HOST, scores, { rate: 0.4, unit: 'macs', sublayers, fold });
        if (sublayers) expect(pruned.config.blocks![0].hidden).toBe(0);
        const masked = await logits(CFG, HOST, maskedGateValues(pruned.mask.keep, fold ? scores : null));
        expect(maxAbsDiff(await logits(pruned.config, pruned.tensors), masked)).toBeLessThan(1e-4);
      });
    }
  }

  it('folding scales proj and fc2 weight and bias by g, nothing else', () => {
    const scores = randomScores(CFG, 3);
    const folded = pruneModel(CFG, HOST, scores, { rate: 0, fold: true });
    const plain = pruneModel(CFG, HOST, { blocks: scores.blocks.map(({ sublayer: _, ...b }) => b) }, { rate: 0, fold: true });
    for (const [key, t] of plain.tensors) {
      const m = /^blocks\.(\d)\.(attn\.proj|mlp\.fc2)\./.exec(key);
      const g = m ? scores.blocks[Number(m[1])].sublayer![m[2] === 'attn.proj' ? 'attn' : 'mlp']! : 1;
      expect(maxAbsDiff(folded.tensors.get(key)!.data, t.data.map((v) => v * g))).toBeLessThan(1e-6);
    }
  });
});

describe('sublayer gates: ranking whole sublayers', () => {
  it('each form of a unit score, in closed form; without a learned gate every form is the mean |a_out|', () => {
    expect(sublayerUnitScore(0.4, -0.5, 'gate')).toBe(0.5);
    expect(sublayerUnitScore(0.4, -0.5, 'gate-times-mean')).toBeCloseTo(0.2, 12);
    expect(sublayerUnitScore(0.4, -0.5, 'mean')).toBe(0.4);
    for (const form of ['gate', 'gate-times-mean', 'mean'] as const) expect(sublayerUnitScore(0.4, undefined, form)).toBe(0.4);
    expect(SUBLAYER_SCORE_FORM).toBe('gate'); // the measured choice (README "Whole sublayers")
  });

  it('with learned gates the sublayer with the smallest |g| goes first, not the one with the smallest output scores', () => {
    const scores = randomScores(CFG, 30);
    scores.blocks[0].hidden.fill(0.05); // weak output dims, but the learned gate says the MLP matters
    scores.blocks[0].sublayer = { attn: 1.2, mlp: 1.3 };
    scores.blocks[1].sublayer = { attn: 0.01, mlp: 1.1 }; // the attention of block 1 is the dispensable one
    const removedBy = (s: ScoreSet) => {
      const mask = pruneMask(s, { rate: 0.3, sublayers: {} });
      return mask.keep.flatMap((k, i) => [...(k.attn.some(Boolean) ? [] : [`${i}:attn`]), ...(k.hidden.some(Boolean) ? [] : [`${i}:mlp`])]);
    };
    expect(removedBy(scores)).toEqual(['1:attn']);
    // The same dims without learned gates: the MLP of block 0 (mean |a_out| 0.05) goes instead.
    expect(removedBy({ blocks: scores.blocks.map(({ sublayer: _, ...b }) => b) })).toEqual(['0:mlp']);
  });
});
