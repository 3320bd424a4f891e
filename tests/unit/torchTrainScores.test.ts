/**
 * `vtp_torch.py train-scores` (the PyTorch score trainer of the torch export) against the engine, on the
 * demo model and the shipped sample: after the same steps on the same seeded batches (augmentation and
 * label-free distillation included, and on a small slim model) the scores agree within 1e-4 relative; one and
 * two processes (DDP, gloo, CPU) agree within 1e-3; a PNG class folder read by the built-in decoder trains
 * exactly as the same images in a dataset file. Every Python run happens in ONE /usr/bin/python3 process
 * (torch imported once; the 2-process run forks from it). Skipped with a message where torch is missing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSampleDataset } from '../../src/data/sampleDataset';
import type { ImageDataset } from '../../src/data/imageDataset';
import { projectModelFiles } from '../../src/io/projectModel';
import { readSafetensors } from '../../src/io/safetensors';
import { flattenScores, scoreLayout } from '../../src/train/flatScores';
import { readScoreFile } from '../../src/io/scoreFile';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { vitConfig } from '../../src/model/vitConfig';
import { randomVitTensors } from '../../src/model/vitInit';
import { trainScores, ungatedTeacher, type ScoreTrainingOptions } from '../../src/train/scoreTraining';
import { useNodeBackend } from '../../src/cli/nodeBackend';
import { hasTorch, PYTHON } from './helpers/torch';
import { demoModel, pruned, type TestModel } from './exportFixtures';

const ROOT = new URL('../../', import.meta.url).pathname;
const SAMPLE = join(ROOT, 'public/data/fmnist-sample.safetensors');
const torchAvailable = hasTorch();
if (!torchAvailable) console.warn(`torchTrainScores: SKIPPED: ${PYTHON} cannot import torch (apt-get install python3-torch)`);

/** Runs train-scores once per job in one Python process; returns the exit codes and stderr. */
const DRIVER = `
import json, os, sys
sys.path.insert(0, ${JSON.stringify(join(ROOT, 'tools'))})
from vtp_train_scores import train_scores_main
codes = []
for job in json.load(sys.stdin):
    os.environ.pop("VTP_TORCH_NO_PILLOW", None)
    os.environ.update(job.get("env", {}))
    codes.append(train_scores_main(job["argv"]))
print(json.dumps(codes))
`;

interface Job { name: string; argv: string[]; env?: Record<string, string> }

let work = '';
let demo: TestModel;
let slim: TestModel;
let sample: ImageDataset;
const codes = new Map<string, number>();
let stderr = '';

const out = (name: string) => join(work, `${name}.safetensors`);
/** The flat scores [total] a run wrote, in the engine's layout. */
const pyScores = (name: string, m: TestModel) => flattenScores(readScoreFile(new Uint8Array(readFileSync(out(name))), m.cfg), scoreLayout(m.cfg));

/** ||a − b|| / ||b||. */
function relative(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) { d += (a[i] - b[i]) ** 2; n += b[i] ** 2; }
  return Math.sqrt(d / n);
}

/** ||a − b|| / ||b − 1||: the difference against how far the scores moved from their start (all ones). */
function relativeToMove(a: Float32Array, b: Float32Array): number {
  return relative(a.map((v) => v - 1), b.map((v) => v - 1));
}

/** Writes a model folder in the project format (what `vtp export --format torch` unpacks). */
function writeModel(name: string, m: TestModel): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const files = projectModelFiles(m.cfg, m.tensors);
  writeFileSync(join(dir, 'config.json'), files['config.json']);
  writeFileSync(join(dir, 'model.safetensors'), files['model.safetensors']);
  return dir;
}

/** A safetensors file of U8 tensors (name -> [shape, bytes]) with string metadata. */
function u8Safetensors(tensors: Record<string, [number[], Uint8Array]>, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let at = 0;
  for (const [name, [shape, data]] of Object.entries(tensors)) { header[name] = { dtype: 'U8', shape, data_offsets: [at, at + data.length] }; at += data.length; }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let k = 8 + json.length;
  for (const [, data] of Object.values(tensors)) { out.set(data, k); k += data.length; }
  return out;
}

/**
 * The first `n` sample images as a PNG class folder (folder names as tools/idx_to_folder.mjs writes them,
 * gray and RGBA PNGs), and the same images in the folder's reading order as a dataset file.
 */
function writeFolderAndTwin(n: number): { folder: string; twin: string } {
  const folder = join(work, 'pngs');
  const names = sample.classNames;
  const per = 28 * 28;
  const items = Array.from({ length: n }, (_, i) => ({ i, dir: names[sample.labels[i]].replace(/[\\/]/g, '_').replace(/\s+/g, '_'), file: `${String(i).padStart(3, '0')}.png` }));
  for (const it of items) {
    const png = new PNG({ width: 28, height: 28 });
    for (let p = 0; p < per; p++) png.data.set([sample.pixels[it.i * per + p], sample.pixels[it.i * per + p], sample.pixels[it.i * per + p], 255], 4 * p);
    mkdirSync(join(folder, it.dir), { recursive: true });
    writeFileSync(join(folder, it.dir, it.file), PNG.sync.write(png, { colorType: it.i % 2 === 0 ? 0 : 6 }));
  }
  const order = [...items].sort((a, b) => (a.dir === b.dir ? (a.file < b.file ? -1 : 1) : a.dir < b.dir ? -1 : 1));
  const pixels = new Uint8Array(n * per);
  order.forEach((it, k) => pixels.set(sample.pixels.subarray(it.i * per, (it.i + 1) * per), k * per));
  const twin = join(work, 'twin.safetensors');
  writeFileSync(twin, u8Safetensors({ train_images: [[n, 28, 28], pixels], train_labels: [[n], Uint8Array.from(order, (it) => sample.labels[it.i])] },
    { class_names: JSON.stringify(names) }));
  return { folder, twin };
}

beforeAll(async () => {
  if (!torchAvailable) return;
  await useNodeBackend('wasm'); // the CLI's engine backend (SIMD wasm); the pure-JS cpu one takes minutes here
  work = mkdtempSync(join(tmpdir(), 'vtp-train-scores-'));
  demo = await demoModel();
  // Slim: uneven kept dims (qkv_in/fc1_in subsets, per-head value widths) on a small model, trained on the cpu
  // backend below (wasm has no UnsortedSegmentSum, the gradient of the gathers a slim block makes).
  const tiny = vitConfig({ ...demo.cfg, embedDim: 32, depth: 2, numHeads: 2, mlpHidden: 64, blocks: null, architecture: 'tiny-slim' });
  slim = pruned({ cfg: tiny, tensors: randomVitTensors(tiny, { seed: 9, weightStd: 0.2, biasStd: 0.02 }) }, 0.4);
  sample = readSampleDataset(new Uint8Array(readFileSync(SAMPLE))).train;
  const demoDir = writeModel('demo', demo);
  const slimDir = writeModel('slim', slim);
  const { folder, twin } = writeFolderAndTwin(24);
  mkdirSync(join(work, 'jpeg', 'Bag'), { recursive: true });
  writeFileSync(join(work, 'jpeg', 'Bag', 'a.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]));
  const run = (name: string, dir: string, data: string, flags: string[], env?: Record<string, string>): Job =>
    ({ name, argv: [dir, '--data', data, '--out', out(name), ...flags], env });
  const jobs: Job[] = [
    run('two', demoDir, SAMPLE, ['--steps', '10', '--batch', '8', '--seed', '1', '--no-augment', '--nproc', '2']),
    run('one', demoDir, SAMPLE, ['--steps', '10', '--batch', '8', '--seed', '1', '--no-augment']),
    run('augmented', demoDir, SAMPLE, ['--steps', '20', '--batch', '4', '--seed', '3', '--flip']),
    run('distilled', demoDir, SAMPLE, ['--steps', '5', '--batch', '8', '--seed', '5', '--no-augment', '--distill', '--temperature', '2']),
    run('slim', slimDir, SAMPLE, ['--steps', '5', '--batch', '4', '--seed', '2']),
    run('folder', demoDir, folder, ['--steps', '4', '--batch', '6', '--seed', '4'], { VTP_TORCH_NO_PILLOW: '1' }),
    run('twin', demoDir, twin, ['--steps', '4', '--batch', '6', '--seed', '4']),
    run('jpeg', demoDir, join(work, 'jpeg'), ['--steps', '1'], { VTP_TORCH_NO_PILLOW: '1' }),
  ];
  const r = spawnSync(PYTHON, ['-c', DRIVER], {
    input: JSON.stringify(jobs), encoding: 'utf8', timeout: 300_000, env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  stderr = r.stderr;
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr.slice(-3000)}`);
  const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as number[];
  jobs.forEach((j, k) => codes.set(j.name, got[k]));
}, 320_000);

afterAll(() => { if (work) rmSync(work, { recursive: true, force: true }); });

/** The engine's scores after trainScores on `ds` with `opts` (float32). */
async function engineScores(m: TestModel, ds: ImageDataset, opts: Partial<ScoreTrainingOptions>): Promise<Float32Array> {
  const before = tf.memory().numTensors;
  const params = vitParams(m.cfg, m.tensors);
  const r = await trainScores(params, ds, opts).finally(() => disposeVitParams(params));
  expect(r.stopped).toBeNull();
  expect(tf.memory().numTensors).toBe(before);
  return flattenScores(r.scores, scoreLayout(m.cfg));
}

describe.skipIf(!torchAvailable)('vtp_torch.py train-scores', () => {
  it('runs every case; a JPEG without Pillow or torchvision is refused with a clear one-line error', () => {
    expect([...codes.entries()].filter(([name]) => name !== 'jpeg').every(([, c]) => c === 0), stderr.slice(-3000)).toBe(true);
    expect(codes.get('jpeg')).toBe(2);
    expect(stderr).toMatch(/vtp_torch: error: \S*a\.jpg.*JPEG/);
    expect(stderr).toMatch(/over 2 process\(es\) \(gloo\)/);
  });

  it('1 and 2 processes (DDP, gloo) give the same scores within 1e-3 relative', () => {
    const one = pyScores('one', demo);
    const two = pyScores('two', demo);
    expect(relativeToMove(one, one.map(() => 1))).toBeGreaterThan(0); // the scores moved
    expect(relative(two, one)).toBeLessThan(1e-3);
    expect(relativeToMove(two, one)).toBeLessThan(1e-3);
  });

  it('20 augmented steps (shift and flip) agree with the engine within 1e-4 relative', async () => {
    const engine = await engineScores(demo, sample, { steps: 20, batchSize: 4, seed: 3, augment: { shift: 2, flip: true } });
    const torch = pyScores('augmented', demo);
    expect(relative(torch, engine)).toBeLessThan(1e-4);
    expect(relativeToMove(torch, engine)).toBeLessThan(1e-3);
  }, 120_000);

  it('label-free distillation (T = 2) agrees with the engine within 1e-4 relative', async () => {
    const params = vitParams(demo.cfg, demo.tensors);
    try {
      const distill = { teacher: ungatedTeacher(params), temperature: 2, alpha: 0 };
      const engine = await engineScores(demo, sample, { steps: 5, batchSize: 8, seed: 5, distill });
      expect(relative(pyScores('distilled', demo), engine)).toBeLessThan(1e-4);
      expect(relativeToMove(pyScores('distilled', demo), engine)).toBeLessThan(1e-3);
    } finally { disposeVitParams(params); }
  }, 60_000);

  it('a slim (pruned) model agrees with the engine within 1e-4 relative', async () => {
    await useNodeBackend('cpu');
    const engine = await engineScores(slim, sample, { steps: 5, batchSize: 4, seed: 2, augment: { shift: 2, flip: false } })
      .finally(() => useNodeBackend('wasm'));
    expect(relative(pyScores('slim', slim), engine)).toBeLessThan(1e-4);
    expect(relativeToMove(pyScores('slim', slim), engine)).toBeLessThan(1e-3);
  }, 60_000);

  it('a PNG class folder (built-in decoder, gray and RGBA) trains exactly as the same images in a dataset file', () => {
    const folder = pyScores('folder', demo);
    expect(relativeToMove(folder, folder.map(() => 1))).toBeGreaterThan(0);
    expect(relative(folder, pyScores('twin', demo))).toBeLessThan(1e-6);
  });

  it('writes the score file format with its metadata', () => {
    const { tensors, metadata } = readSafetensors(new Uint8Array(readFileSync(out('two'))));
    expect(tensors.size).toBe(4 * demo.cfg.depth);
    expect(metadata).toMatchObject({ kind: 'vtp-scores', steps: '10' });
  });
});
