/**
 * The studio imports what it downloads: the "safetensors + config.json" zip expands into a checkpoint
 * that importCheckpoint reads back as the same slim model; other downloads and broken zips are refused
 * with a message naming the file.
 */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importCheckpoint } from '../../src/io/checkpoint';
import { CheckpointError } from '../../src/io/checkpointError';
import { exportModel, TORCH_SCRIPT_FILES, type TorchScripts } from '../../src/io/export/exportModel';
import { vitConfig } from '../../src/model/vitConfig';
import { randomVitTensors } from '../../src/model/vitInit';
import { expandCheckpointFiles } from '../../src/worker/checkpointArchive';
import { pruned, type TestModel } from './exportFixtures';

const small = vitConfig({
  imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 16, depth: 2, numHeads: 2, mlpHidden: 32, numClasses: 3,
  classNames: ['a', 'b', 'c'], mean: [0.5], std: [0.25], architecture: 'tiny-vit',
});
const slim = pruned({ cfg: small, tensors: randomVitTensors(small, { seed: 5 }) } satisfies TestModel, 0.4);

/** The export of `format` as the one file a person downloads. */
function download(format: 'safetensors' | 'torch' | 'tfjs' | 'onnx'): { name: string; bytes: Uint8Array } {
  const r = exportModel(slim.cfg, slim.tensors, format, { rate: 0.4, torchScripts: Object.fromEntries(TORCH_SCRIPT_FILES.map((n) => [n, `# ${n}`])) as TorchScripts });
  return { name: r.fileName, bytes: r.download };
}

/** The error message of `fn`, asserting it is a CheckpointError. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  throw new Error('expected a CheckpointError');
}

describe('expandCheckpointFiles', () => {
  it('expands the safetensors download into a checkpoint that imports as the same slim model', () => {
    for (const format of ['safetensors', 'torch'] as const) {
      const files = expandCheckpointFiles([download(format)]);
      expect(files.map((f) => f.name)).toContain('model.safetensors');
      const back = importCheckpoint(files);
      expect(back.config.blocks).toEqual(slim.cfg.blocks);
      expect(back.source).toBe('vtp');
      expect(Array.from(back.tensors.get('head.weight')!.data)).toEqual(Array.from(slim.tensors.get('head.weight')!.data));
    }
  });

  it('passes picked folder files through unchanged', () => {
    const files = [{ name: 'vit/config.json', bytes: new Uint8Array([123, 125]) }, { name: 'vit/model.safetensors', bytes: new Uint8Array(8) }];
    expect(expandCheckpointFiles(files)).toBe(files);
  });

  it('refuses ONNX and TensorFlow.js downloads, saying which download to use', () => {
    expect(refusal(() => expandCheckpointFiles([download('onnx')]))).toMatch(/ONNX.*safetensors \+ config\.json/);
    expect(refusal(() => expandCheckpointFiles([download('tfjs')]))).toMatch(/TensorFlow\.js.*safetensors \+ config\.json/);
  });

  it('refuses a broken, empty or unsafe zip and a zip among other files with the file name', () => {
    const truncated = download('safetensors');
    expect(refusal(() => expandCheckpointFiles([{ name: 'm.zip', bytes: truncated.bytes.slice(0, 200) }]))).toMatch(/m\.zip/);
    expect(refusal(() => expandCheckpointFiles([{ name: 'm.zip', bytes: new TextEncoder().encode('not a zip') }]))).toMatch(/m\.zip is not a zip/);
    expect(refusal(() => expandCheckpointFiles([{ name: 'e.zip', bytes: zipSync({}) }]))).toMatch(/e\.zip is empty/);
    const unsafe = zipSync({ '../config.json': new Uint8Array([123, 125]) });
    expect(refusal(() => expandCheckpointFiles([{ name: 'u.zip', bytes: unsafe }]))).toMatch(/u\.zip is empty/);
    const mixed = [download('safetensors'), { name: 'config.json', bytes: new Uint8Array([123, 125]) }];
    expect(refusal(() => expandCheckpointFiles(mixed))).toMatch(/not both/);
  });
});
