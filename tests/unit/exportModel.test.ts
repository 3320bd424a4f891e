/**
 * exportModel (the one call behind "Download pruned model") and `vtp export`: what each format's
 * download holds, its file name, the report, and the CLI's file/folder output. Small models only;
 * the runtimes themselves are checked in exportOnnx/exportTfjs/exportTorch.
 */
import { unzipSync } from 'fflate';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../src/cli/commands/exportCommand';
import { UsageError, type CliContext } from '../../src/cli/cliContext';
import { CheckpointError } from '../../src/io/checkpointError';
import { importCheckpoint } from '../../src/io/checkpoint';
import { META } from '../../src/io/export/exportMetadata';
import { exportModel, EXPORT_FORMATS, TORCH_SCRIPT_FILES, type TorchScripts } from '../../src/io/export/exportModel';
import { prunedFraction } from '../../src/io/export/exportReadme';
import { decodeOnnxModel } from '../../src/io/export/onnxProto';
import { PRODUCER_VERSION } from '../../src/io/export/producer';
import { projectModelFiles } from '../../src/io/projectModel';
import { vitConfig } from '../../src/model/vitConfig';
import { randomVitTensors } from '../../src/model/vitInit';
import { pruned, type TestModel } from './exportFixtures';

const small = vitConfig({
  imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 16, depth: 2, numHeads: 2, mlpHidden: 32, numClasses: 3,
  classNames: ['a', 'b', 'c'], mean: [0.5], std: [0.25], architecture: 'tiny-vit',
});
const full: TestModel = { cfg: small, tensors: randomVitTensors(small, { seed: 2 }) };
const slim = pruned(full, 0.4);
const SCRIPTS = Object.fromEntries(TORCH_SCRIPT_FILES.map((name) =>
  [name, readFileSync(new URL(`../../tools/${name}`, import.meta.url), 'utf8')])) as TorchScripts;
const work = mkdtempSync(join(tmpdir(), 'vtp-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const names = (zip: Uint8Array) => Object.keys(unzipSync(zip)).sort();
const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

describe('exportModel', () => {
  it('names the download after model, rate and format', () => {
    const r = exportModel(slim.cfg, slim.tensors, 'tfjs', { modelName: 'fmnist vit/s', rate: 0.4 });
    expect(r.fileName).toBe('fmnist-vit-s-pruned40-tfjs.zip');
    expect(exportModel(slim.cfg, slim.tensors, 'onnx', { modelName: 'fmnist-vit-s', rate: 0.4 }).fileName).toBe('fmnist-vit-s-pruned40.onnx');
    const defaults = exportModel(slim.cfg, slim.tensors, 'safetensors');
    expect(defaults.fileName).toBe(`tiny-vit-pruned${Math.round(prunedFraction(slim.cfg) * 100)}-safetensors.zip`);
    expect(prunedFraction(full.cfg)).toBe(0);
  });

  it('safetensors: config.json, model.safetensors, README.md and report.json that import back', () => {
    const r = exportModel(slim.cfg, slim.tensors, 'safetensors', { report: { accuracy: 0.9 }, rate: 0.4 });
    expect(r.download).toBe(r.zip);
    expect(names(r.zip!)).toEqual(['README.md', 'config.json', 'model.safetensors', 'report.json']);
    const files = unzipSync(r.zip!);
    const back = importCheckpoint([{ name: 'config.json', bytes: files['config.json'] }, { name: 'model.safetensors', bytes: files['model.safetensors'] }]);
    expect(back.config.blocks).toEqual(slim.cfg.blocks);
    const report = json(files['report.json']);
    expect(report.pruning).toEqual({ accuracy: 0.9 });
    expect(report.exported.rate).toBe(0.4);
    expect(report.exported.class_names).toEqual(['a', 'b', 'c']);
    expect(new TextDecoder().decode(files['README.md'])).toMatch(/40% of VTP-gated dims pruned/);
  });

  it('torch: adds vtp_torch.py and its score trainer, and needs their text', () => {
    const r = exportModel(slim.cfg, slim.tensors, 'torch', { torchScripts: SCRIPTS });
    expect(names(r.zip!)).toEqual(['README.md', 'config.json', 'model.safetensors', 'report.json', ...[...TORCH_SCRIPT_FILES].sort()]);
    for (const name of TORCH_SCRIPT_FILES) expect(new TextDecoder().decode(unzipSync(r.zip!)[name])).toBe(SCRIPTS[name]);
    expect(new TextDecoder().decode(unzipSync(r.zip!)['README.md'])).toMatch(/train-scores/);
    expect(() => exportModel(slim.cfg, slim.tensors, 'torch')).toThrow(/vtp_torch\.py/);
    expect(() => exportModel(slim.cfg, slim.tensors, 'torch', { torchScripts: { ...SCRIPTS, 'vtp_images.py': '' } })).toThrow(/vtp_images\.py/);
  });

  it('tfjs: model.json + one shard + README + report', () => {
    const r = exportModel(slim.cfg, slim.tensors, 'tfjs');
    expect(names(r.zip!)).toEqual(['README.md', 'group1-shard1of1.bin', 'model.json', 'report.json']);
  });

  it('onnx: one .onnx file with the report in its metadata', () => {
    const r = exportModel(slim.cfg, slim.tensors, 'onnx', { report: { accuracy: 0.9 } });
    expect(r.zip).toBeUndefined();
    expect(r.files.map((f) => f.name)).toEqual(['model.onnx']);
    const meta = Object.fromEntries(decodeOnnxModel(r.download).metadata_props.map((p) => [p.key, JSON.parse(p.value)]));
    expect(meta[META.report].pruning).toEqual({ accuracy: 0.9 });
    expect(meta[META.classNames]).toEqual(['a', 'b', 'c']);
    expect(meta[META.producer]).toEqual({ name: 'vit-pruning-studio', version: PRODUCER_VERSION });
  });

  it('timm: only for models timm can express', () => {
    expect(names(exportModel(full.cfg, full.tensors, 'timm').zip!)).toEqual(['README.md', 'config.json', 'model.safetensors', 'report.json']);
    expect(() => exportModel(slim.cfg, slim.tensors, 'timm')).toThrow(CheckpointError);
  });

  it('the producer version is package.json\'s', () => {
    expect(PRODUCER_VERSION).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    expect(EXPORT_FORMATS).toEqual(['safetensors', 'torch', 'onnx', 'tfjs', 'timm']);
  });
});

describe('vtp export (exportCommand)', () => {
  const modelDir = join(work, 'tiny-slim');
  mkdirSync(modelDir, { recursive: true });
  const files = projectModelFiles(slim.cfg, slim.tensors);
  writeFileSync(join(modelDir, 'config.json'), files['config.json']);
  writeFileSync(join(modelDir, 'model.safetensors'), files['model.safetensors']);
  const ctx = (logs: string[], printed: string[] = []): CliContext =>
    ({ log: (l) => logs.push(l), print: (t) => printed.push(t), json: true, backend: 'cpu' });

  it('--out x.zip writes the download; --out folder writes the unpacked files', async () => {
    const logs: string[] = [];
    const printed: string[] = [];
    await exportCommand(ctx(logs, printed), modelDir, { format: 'torch', out: join(work, 'm.zip') });
    expect(JSON.parse(printed[0])).toMatchObject({ format: 'torch', out: join(work, 'm.zip') });
    expect(names(new Uint8Array(readFileSync(join(work, 'm.zip'))))).toContain('vtp_torch.py');
    await exportCommand(ctx(logs), modelDir, { format: 'tfjs', out: join(work, 'tfjs-out') });
    expect(readdirSync(join(work, 'tfjs-out')).sort()).toEqual(['README.md', 'group1-shard1of1.bin', 'model.json', 'report.json']);
    await exportCommand(ctx(logs), modelDir, { format: 'onnx', out: join(work, 'm.onnx') });
    expect(existsSync(join(work, 'm.onnx'))).toBe(true);
    expect(logs.join('\n')).toMatch(/wrote .*m\.onnx/);
  });

  it('usage errors: missing or unknown format, wrong extension; timm refusal is a CheckpointError', async () => {
    await expect(exportCommand(ctx([]), modelDir, {})).rejects.toThrow(UsageError);
    await expect(exportCommand(ctx([]), modelDir, { format: 'keras' })).rejects.toThrow(/--format must be one of/);
    await expect(exportCommand(ctx([]), modelDir, { format: 'onnx', out: join(work, 'x.zip') })).rejects.toThrow(UsageError);
    await expect(exportCommand(ctx([]), modelDir, { format: 'timm', out: join(work, 't') })).rejects.toThrow(CheckpointError);
  });
});
