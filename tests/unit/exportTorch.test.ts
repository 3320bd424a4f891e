/**
 * PyTorch export verified by PyTorch: tools/vtp_torch.py builds the slim ViT from the project files
 * (config.json + model.safetensors), loads the weights strictly and must reproduce the studio's
 * logits within 1e-4. Runs with /usr/bin/python3 when it has torch (Debian python3-torch), else is
 * skipped with a visible warning. Also the timm-compatible export, read back by the studio's importer.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { importCheckpoint } from '../../src/io/checkpoint';
import { CheckpointError } from '../../src/io/checkpointError';
import { timmCompatibleFiles, timmIncompatibilities } from '../../src/io/export/timmExport';
import { projectModelFiles } from '../../src/io/projectModel';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors';
import type { HostTensors } from '../../src/model/hostTensor';
import { slimWeights, type BlockKeep } from '../../src/prune/slimWeights';
import { GATE_NAMES } from '../../src/model/vitGates';
import { maxAbsDiff, useCpuBackend } from './helpers/backend';
import { demoModel, distilledModel, oddModel, pruned, studioLogits, sublayerPruned, testImages, type TestModel } from './exportFixtures';

const TOLERANCE = 1e-4;
const PYTHON = '/usr/bin/python3';
const SCRIPT = new URL('../../tools/vtp_torch.py', import.meta.url).pathname;

/** True when /usr/bin/python3 can import torch (checked without importing it: find_spec is fast). */
function hasTorch(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("torch") else 1)'], { timeout: 10_000 });
  return probe.status === 0;
}

const torchAvailable = hasTorch();
if (!torchAvailable) console.warn(`exportTorch: SKIPPED the PyTorch checks: ${PYTHON} cannot import torch (apt-get install python3-torch)`);

let demo: TestModel;
let work: string;

beforeAll(async () => {
  await useCpuBackend();
  demo = await demoModel();
  work = mkdtempSync(join(tmpdir(), 'vtp-export-torch-'));
});

afterAll(() => { if (work) rmSync(work, { recursive: true, force: true }); });

/** Writes the project files of `m` and a pixel file into work/name; returns the job triple. */
function writeCase(name: string, m: TestModel, batch: number): { job: string[]; images: ReturnType<typeof testImages> } {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const files = projectModelFiles(m.cfg, m.tensors);
  writeFileSync(join(dir, 'config.json'), files['config.json']);
  writeFileSync(join(dir, 'model.safetensors'), files['model.safetensors']);
  const images = testImages(m.cfg, batch);
  const input = join(work, `${name}.pixels.safetensors`);
  writeFileSync(input, writeSafetensors(new Map([['pixel_values', { shape: images.shape, data: images.data }]])));
  return { job: [dir, input, join(work, `${name}.logits.safetensors`)], images };
}

describe('PyTorch export: vtp_torch.py reproduces the studio logits', () => {
  it.skipIf(!torchAvailable)('rates 0, 0.4, 0.7, a distilled model, a tiny odd one and removed sublayers / a dropped block (one Python run)', async () => {
    const cases: [string, TestModel, number][] = [
      ['rate0', demo, 2], ['rate40', pruned(demo, 0.4), 2], ['rate70', pruned(demo, 0.7, { dropHead: true }), 2],
      ['distilled40', pruned(distilledModel(), 0.4), 2], ['odd50', pruned(oddModel(), 0.5), 3],
      ['sublayers', sublayerPruned(demo), 2], ['oddSublayers', sublayerPruned(oddModel(), 0.2, { 0: 'mlp', 1: 'attn' }), 2],
    ];
    const written = cases.map(([name, m, batch]) => ({ name, m, ...writeCase(name, m, batch) }));
    const jobs = join(work, 'jobs.json');
    writeFileSync(jobs, JSON.stringify(written.map((w) => w.job)));
    const run = spawnSync(PYTHON, [SCRIPT, '--jobs', jobs], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    for (const w of written) {
      const logits = readSafetensors(new Uint8Array(readFileSync(w.job[2]))).tensors.get('logits')!;
      expect(logits.shape, w.name).toEqual([w.images.shape[0], w.m.cfg.numClasses]);
      expect(maxAbsDiff(logits.data, await studioLogits(w.m, w.images)), w.name).toBeLessThan(TOLERANCE);
    }
  });
});

/** The model with every block's MLP hidden width cut to `u` (other dims full): timm can express it. */
function evenHidden(m: TestModel, u: number): TestModel {
  const keep = Array.from({ length: m.cfg.depth }, () => Object.fromEntries(GATE_NAMES.map((g) => {
    const n = g === 'hidden' ? m.cfg.mlpHidden : g === 'attn' ? m.cfg.numHeads * m.cfg.headDim : m.cfg.embedDim;
    return [g, Array.from({ length: n }, (_, j) => g !== 'hidden' || j % (n / u) === 0)];
  })));
  const slim = slimWeights(m.cfg, m.tensors, keep as unknown as BlockKeep[], null);
  return { cfg: slim.config, tensors: slim.tensors };
}

/** Imports timm files with the studio's importer and checks its logits against the original's. */
async function roundTrip(m: TestModel): Promise<void> {
  const files = timmCompatibleFiles(m.cfg, m.tensors);
  expect(Object.keys(JSON.parse(files['config.json']).model_args)).toContain('mlp_ratio');
  const keys = [...readSafetensors(files['model.safetensors']).tensors.keys()];
  expect(keys).toContain('blocks.0.attn.qkv.weight');
  expect(keys.some((k) => /attn\.[qkv]\./.test(k))).toBe(false);
  const back = importCheckpoint([{ name: 'config.json', bytes: new TextEncoder().encode(files['config.json']) },
    { name: 'model.safetensors', bytes: files['model.safetensors'] }]);
  expect(back.source).toBe('timm');
  expect(back.config.blocks).toBeNull();
  const images = testImages(m.cfg, 1);
  expect(maxAbsDiff(await studioLogits({ cfg: back.config, tensors: back.tensors as HostTensors }, images),
    await studioLogits(m, images))).toBeLessThan(TOLERANCE);
}

describe('timm-compatible export', () => {
  it('rate 0 round-trips through the timm importer', async () => {
    await roundTrip(demo);
  });

  it('even MLP-only pruning (hidden 512 -> 256 in every block) round-trips as mlp_ratio 2', async () => {
    const m = evenHidden(demo, 256);
    expect(m.cfg.blocks!.every((b) => b.hidden === 256)).toBe(true);
    expect(JSON.parse(timmCompatibleFiles(m.cfg, m.tensors)['config.json']).model_args.mlp_ratio).toBe(2);
    await roundTrip(m);
  });

  it('refuses uneven models, saying why and what to use instead', () => {
    const m = pruned(demo, 0.4);
    expect(timmIncompatibilities(m.cfg).length).toBeGreaterThan(0);
    expect(() => timmCompatibleFiles(m.cfg, m.tensors)).toThrow(CheckpointError);
    expect(() => timmCompatibleFiles(m.cfg, m.tensors)).toThrow(/cannot be written as a timm VisionTransformer: block 0 .*"torch".*"onnx"/);
  });

  it('whole blocks dropped (the others full) round-trip as a shallower timm model; a lone removed sublayer is refused', async () => {
    const keep = Array.from({ length: demo.cfg.depth }, (_, b) => Object.fromEntries(GATE_NAMES.map((g) => {
      const n = g === 'hidden' ? demo.cfg.mlpHidden : g === 'attn' ? demo.cfg.numHeads * demo.cfg.headDim : demo.cfg.embedDim;
      return [g, new Array<boolean>(n).fill(b !== 2 && b !== 5)];
    }))) as unknown as BlockKeep[];
    const slim = slimWeights(demo.cfg, demo.tensors, keep, null);
    expect(slim.config.depth).toBe(4);
    expect(JSON.parse(timmCompatibleFiles(slim.config, slim.tensors)['config.json']).model_args.depth).toBe(4);
    await roundTrip({ cfg: slim.config, tensors: slim.tensors });
    const lone = sublayerPruned(demo, 0, { 1: 'attn', 4: 'both' });
    expect(timmIncompatibilities(lone.cfg)).toEqual(['block 1 has its attention sublayer removed (timm blocks always have both; dropped whole blocks are fine)']);
    expect(() => timmCompatibleFiles(lone.cfg, lone.tensors)).toThrow(/block 1 has its attention sublayer removed/);
  });
});
