import { describe, expect, it } from 'vitest';
import { importCheckpoint, type CheckpointFile } from '../../src/io/checkpoint';
import { projectConfigToJson } from '../../src/io/projectConfig';
import { writeSafetensors } from '../../src/io/safetensors';
import type { HostTensors } from '../../src/model/hostTensor';
import { expectedShapes } from '../../src/model/vitWeights';
import {
  canonicalTensors, expectCheckpointError, expectSameTensors, folder, hfJson, jsonBytes, timmJson, tinyConfig,
  toHf, toTimm,
} from './helpers/syntheticCheckpoint';

const PICKLE_BYTES = new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]);

describe('importCheckpoint: timm', () => {
  it('splits blocks.N.attn.qkv by rows into q, k, v and keeps every other tensor as is', () => {
    const cfg = tinyConfig();
    const canonical = canonicalTensors(cfg);
    const timm = toTimm(canonical);
    expect(timm.get('blocks.1.attn.qkv.weight')!.shape).toEqual([24, 8]);
    const result = importCheckpoint(folder(timmJson(cfg), timm));
    expect(result.source).toBe('timm');
    expect(result.ignoredKeys).toEqual([]);
    expectSameTensors(result.tensors, canonical);
    const qkv = timm.get('blocks.0.attn.qkv.weight')!.data;
    expect(Array.from(result.tensors.get('blocks.0.attn.k.weight')!.data)).toEqual(Array.from(qkv.slice(64, 128)));
    expect(result.config).toMatchObject({
      embedDim: 8, depth: 2, numHeads: 2, headDim: 4, mlpHidden: 16, numClasses: 3, imageSize: [8, 8],
      patchSize: 4, qkvBias: true, distilled: false, layerNormEps: 1e-6, blocks: null,
    });
  });

  it('imports a distilled DeiT with dist_token and head_dist', () => {
    const cfg = tinyConfig({ distilled: true });
    const canonical = canonicalTensors(cfg, 2);
    const result = importCheckpoint(folder(timmJson(cfg), toTimm(canonical)));
    expect(result.config.distilled).toBe(true);
    expectSameTensors(result.tensors, canonical);
    expect(result.tensors.get('pos_embed')!.shape).toEqual([1, 6, 8]);
  });

  it('imports weights without q/k/v bias, explicit or inferred from the file', () => {
    const cfg = tinyConfig({ qkvBias: false });
    const canonical = canonicalTensors(cfg, 3);
    expectSameTensors(importCheckpoint(folder(timmJson(cfg), toTimm(canonical))).tensors, canonical);
    const json = timmJson(cfg);
    delete (json.model_args as Record<string, unknown>).qkv_bias;
    const inferred = importCheckpoint(folder(json, toTimm(canonical)));
    expect(inferred.config.qkvBias).toBe(false);
    expect(inferred.warnings.join(' ')).toContain('qkv_bias = false');
  });

  it('uses the numHeads option for an unknown architecture without num_heads', () => {
    const cfg = tinyConfig();
    const json = timmJson(cfg);
    delete (json.model_args as Record<string, unknown>).num_heads;
    const files = folder(json, toTimm(canonicalTensors(cfg)));
    expectCheckpointError(() => importCheckpoint(files), 'config', 'vit_tiny_patch4_8', '"num_heads"', 'model_args');
    expect(importCheckpoint(files, { numHeads: 2 }).config.numHeads).toBe(2);
  });

  it('imports a model without a head (num_classes 0)', () => {
    const cfg = tinyConfig({ numClasses: 0 });
    const result = importCheckpoint(folder(timmJson(cfg), toTimm(canonicalTensors(cfg))));
    expect(result.config.numClasses).toBe(0);
    expect(result.tensors.has('head.weight')).toBe(false);
  });
});

describe('importCheckpoint: Hugging Face', () => {
  it.each([['v4', 'hf-v4'], ['v5', 'hf-v5']] as const)('maps ViTForImageClassification %s keys', (version, source) => {
    const cfg = tinyConfig({ layerNormEps: 1e-12 });
    const canonical = canonicalTensors(cfg, 4);
    const result = importCheckpoint(folder(hfJson(cfg, 'ViTForImageClassification'), toHf(canonical, version, 'vit.', false)));
    expect(result.source).toBe(source);
    expectSameTensors(result.tensors, canonical);
    expect(result.config).toMatchObject({ layerNormEps: 1e-12, numClasses: 3, classNames: ['class0', 'class1', 'class2'] });
  });

  it.each([['v4', 'hf-v4'], ['v5', 'hf-v5']] as const)('maps DeiTForImageClassificationWithTeacher %s keys', (version, source) => {
    const cfg = tinyConfig({ distilled: true, layerNormEps: 1e-12 });
    const canonical = canonicalTensors(cfg, 5);
    const files = folder(hfJson(cfg, 'DeiTForImageClassificationWithTeacher'), toHf(canonical, version, 'deit.', true));
    const result = importCheckpoint(files);
    expect(result.source).toBe(source);
    expect(result.config.distilled).toBe(true);
    expectSameTensors(result.tensors, canonical);
  });

  it('imports a bare ViTModel (no prefix), ignoring and reporting the pooler', () => {
    const cfg = tinyConfig({ numClasses: 0, layerNormEps: 1e-12 });
    const canonical = canonicalTensors(cfg, 6);
    const hf = toHf(canonical, 'v4', '', false);
    hf.set('pooler.dense.weight', { shape: [8, 8], data: new Float32Array(64) });
    hf.set('pooler.dense.bias', { shape: [8], data: new Float32Array(8) });
    const result = importCheckpoint(folder(hfJson(cfg, 'ViTModel'), hf));
    expect(result.config.numClasses).toBe(0);
    expect(result.ignoredKeys.sort()).toEqual(['pooler.dense.bias', 'pooler.dense.weight']);
    expectSameTensors(result.tensors, canonical);
  });

  it('reads mean/std from preprocessor_config.json', () => {
    const cfg = tinyConfig({ layerNormEps: 1e-12 });
    const pre = { name: 'preprocessor_config.json', bytes: jsonBytes({ image_mean: [0.1, 0.2, 0.3], image_std: [0.4, 0.5, 0.6] }) };
    const files = folder(hfJson(cfg, 'ViTForImageClassification'), toHf(canonicalTensors(cfg), 'v4', 'vit.', false), [pre]);
    expect(importCheckpoint(files).config).toMatchObject({ mean: [0.1, 0.2, 0.3], std: [0.4, 0.5, 0.6] });
  });

  it('refuses DeiTForImageClassification (distillation token, class head only)', () => {
    const cfg = tinyConfig({ distilled: true });
    const files = folder(hfJson(cfg, 'DeiTForImageClassification'), toHf(canonicalTensors(cfg), 'v4', 'deit.', false));
    expectCheckpointError(() => importCheckpoint(files), 'unsupported', 'DeiTForImageClassification', 'WithTeacher');
  });
});

describe('importCheckpoint: studio format', () => {
  it('round-trips a slim model through projectConfigToJson', () => {
    const cfg = tinyConfig({
      blocks: [
        { qkvIn: [0, 2, 3, 5, 7], heads: [1], valueWidths: [3], fc1In: null, hidden: 5 },
        { qkvIn: null, heads: [0, 1], valueWidths: [2, 4], fc1In: [1, 2, 6], hidden: 16 },
      ],
      classNames: ['a', 'b', 'c'],
    });
    const canonical = canonicalTensors(cfg, 7);
    expect(canonical.get('blocks.0.attn.v.weight')!.shape).toEqual([3, 5]);
    const result = importCheckpoint(folder(projectConfigToJson(cfg), canonical));
    expect(result.source).toBe('vtp');
    expect(result.config).toEqual(cfg);
    expectSameTensors(result.tensors, canonical);
  });
});

describe('importCheckpoint: file selection', () => {
  const cfg = tinyConfig();
  const timm = () => toTimm(canonicalTensors(cfg));

  it('reads a sharded checkpoint through model.safetensors.index.json', () => {
    const all = timm();
    const names = [...all.keys()];
    const shard = (part: string[]): HostTensors => new Map(part.map((n) => [n, all.get(n)!]));
    const half = Math.floor(names.length / 2);
    const [a, b] = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
    const weightMap = Object.fromEntries(names.map((n, i) => [n, i < half ? a : b]));
    const files: CheckpointFile[] = [
      { name: 'config.json', bytes: jsonBytes(timmJson(cfg)) },
      { name: 'model.safetensors.index.json', bytes: jsonBytes({ metadata: {}, weight_map: weightMap }) },
      { name: a, bytes: writeSafetensors(shard(names.slice(0, half))) },
      { name: b, bytes: writeSafetensors(shard(names.slice(half))) },
    ];
    expectSameTensors(importCheckpoint(files).tensors, canonicalTensors(cfg));
    expectCheckpointError(() => importCheckpoint(files.slice(0, 3)), 'io', b);
    const wrongMap = { ...weightMap, [names[0]]: b };
    const bad = [files[0], { ...files[1], bytes: jsonBytes({ weight_map: wrongMap }) }, files[2], files[3]];
    expectCheckpointError(() => importCheckpoint(bad), 'header', names[0]);
  });

  it('accepts nested paths and the single .safetensors of another name', () => {
    const files = folder(timmJson(cfg), timm()).map((f) => ({ ...f, name: `repo/${f.name.replace('model', 'weights')}` }));
    expect(importCheckpoint(files).source).toBe('timm');
  });

  it('refuses pickles unless a safetensors file is present', () => {
    const pth = { name: 'pytorch_model.bin', bytes: PICKLE_BYTES };
    const config = { name: 'config.json', bytes: jsonBytes(timmJson(cfg)) };
    expectCheckpointError(() => importCheckpoint([config, pth]), 'pickle', 'pytorch_model.bin', 'safetensors');
    expectCheckpointError(() => importCheckpoint([config, { name: 'model.pth', bytes: new Uint8Array(4) }]), 'pickle', 'model.pth');
    expectCheckpointError(() => importCheckpoint([config, { name: 'weights', bytes: PICKLE_BYTES }]), 'pickle', 'weights');
    const disguised = { name: 'model.safetensors', bytes: PICKLE_BYTES };
    expectCheckpointError(() => importCheckpoint([config, disguised]), 'pickle');
    const result = importCheckpoint(folder(timmJson(cfg), timm(), [pth]));
    expect(result.warnings.join(' ')).toContain('pytorch_model.bin was ignored');
  });

  it('reports a missing config.json, malformed JSON, an unknown config and missing weights', () => {
    const weights = { name: 'model.safetensors', bytes: writeSafetensors(timm()) };
    expectCheckpointError(() => importCheckpoint([weights]), 'config', 'config.json is missing');
    expectCheckpointError(() => importCheckpoint(folder('{"architecture": ', timm())), 'config', 'config.json', 'not valid JSON');
    expectCheckpointError(() => importCheckpoint(folder({ hello: 1 }, timm())), 'config', '"architecture"', 'model_type');
    const config = { name: 'config.json', bytes: jsonBytes(timmJson(cfg)) };
    expectCheckpointError(() => importCheckpoint([config]), 'io', 'no model.safetensors');
  });

  it('refuses several unrelated .safetensors files', () => {
    const files = folder(timmJson(cfg), timm()).map((f) => ({ ...f, name: f.name.replace('model', 'a') }));
    files.push({ name: 'b.safetensors', bytes: files[1].bytes });
    expectCheckpointError(() => importCheckpoint(files), 'io', 'several .safetensors');
  });

  it('refuses weights larger than maxBytes before parsing them', () => {
    const files = folder(timmJson(cfg), timm());
    expectCheckpointError(() => importCheckpoint(files, { maxBytes: 1024 }), 'io', 'MB', 'limit');
  });
});

describe('importCheckpoint: weights vs config', () => {
  const cfg = tinyConfig();
  const json = timmJson(cfg);

  it('names a missing key', () => {
    const timm = toTimm(canonicalTensors(cfg));
    timm.delete('blocks.1.attn.qkv.weight');
    const err = expectCheckpointError(() => importCheckpoint(folder(json, timm)), 'missing-key',
      'model.safetensors does not match config.json: missing blocks.1.attn.qkv.weight');
    expect(err.key).toBe('blocks.1.attn.qkv.weight');
  });

  it('names an unexpected key', () => {
    const timm = toTimm(canonicalTensors(cfg));
    timm.set('fc_norm.weight', { shape: [8], data: new Float32Array(8) });
    expectCheckpointError(() => importCheckpoint(folder(json, timm)), 'unexpected-key', 'unexpected fc_norm.weight');
  });

  it('names a wrong shape with the expected one', () => {
    const timm = toTimm(canonicalTensors(cfg));
    timm.set('blocks.0.mlp.fc1.weight', { shape: [8, 8], data: new Float32Array(64) });
    expectCheckpointError(() => importCheckpoint(folder(json, timm)), 'shape',
      'blocks.0.mlp.fc1.weight has shape [8, 8], expected [16, 8]');
  });

  it('lists the first few problems and counts the rest', () => {
    const wrong = tinyConfig({ embedDim: 12, numHeads: 3 });
    const err = expectCheckpointError(() => importCheckpoint(folder(json, toTimm(canonicalTensors(wrong)))), 'shape', 'more)');
    expect(err.message.split(';').length).toBe(4);
  });

  it('explains a depth mismatch', () => {
    const deeper = timmJson(tinyConfig({ depth: 3 }));
    expectCheckpointError(() => importCheckpoint(folder(deeper, toTimm(canonicalTensors(cfg)))), 'config',
      'config.json says depth = 3 but model.safetensors has 2 blocks (0..1)');
  });

  it('lists missing keys rather than a depth when the layout is foreign (HF weights, timm config)', () => {
    const hf = toHf(canonicalTensors(cfg), 'v4', 'vit.', false);
    expectCheckpointError(() => importCheckpoint(folder(json, hf)), 'missing-key',
      'missing cls_token', 'unexpected classifier', 'look like a Hugging Face (transformers v4) checkpoint but config.json is a timm config');
  });

  it('refuses NaN/Inf weights, naming the first tensor and the count', () => {
    const timm = toTimm(canonicalTensors(cfg));
    const w = timm.get('blocks.1.mlp.fc2.weight')!;
    w.data[0] = NaN;
    w.data[5] = Infinity;
    const err = expectCheckpointError(() => importCheckpoint(folder(json, timm)), 'values', 'blocks.1.mlp.fc2.weight has 2 NaN/Inf values');
    expect(err.key).toBe('blocks.1.mlp.fc2.weight');
  });

  it('refuses integer (quantised) weights by dtype', () => {
    const files = folder(json, toTimm(canonicalTensors(cfg)));
    const bytes = files[1].bytes.slice();
    const headerEnd = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const text = new TextDecoder().decode(bytes.subarray(8, headerEnd));
    const patched = text.replace('"head.bias":{"dtype":"F32"', '"head.bias":{"dtype":"I32"');
    expect(patched).not.toBe(text);
    bytes.set(new TextEncoder().encode(patched), 8);
    files[1] = { name: 'model.safetensors', bytes };
    expectCheckpointError(() => importCheckpoint(files), 'dtype', 'head.bias', 'I32');
  });

  it('covers every canonical tensor', () => {
    const result = importCheckpoint(folder(json, toTimm(canonicalTensors(cfg))));
    expect([...result.tensors.keys()].sort()).toEqual([...expectedShapes(cfg).keys()].sort());
  });
});
