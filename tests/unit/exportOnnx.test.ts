/**
 * ONNX export verified by the runtime that loads it: onnxruntime-web (wasm, one thread) in Node must
 * reproduce the studio's slim logits within 1e-4, with a dynamic batch.
 */
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { META } from '../../src/io/export/exportMetadata';
import { ONNX_OPSET, onnxModelBytes } from '../../src/io/export/onnxExport';
import { decodeOnnxModel } from '../../src/io/export/onnxProto';
import { blockDimsAt } from '../../src/model/vitConfig';
import { maxAbsDiff, useCpuBackend } from './helpers/backend';
import {
  demoModel, distilledModel, oddModel, paramCount, pruned, studioLogits, sublayerPruned, testImages, type TestModel,
} from './exportFixtures';

const TOLERANCE = 1e-4;

let demo: TestModel;

beforeAll(async () => {
  await useCpuBackend();
  ort.env.wasm.numThreads = 1;
  demo = await demoModel();
});

/**
 * Exports `m`, runs it in onnxruntime-web and compares with the studio's logits for `batch` images;
 * `alsoBatch` re-runs the first images at a second batch size (the batch dim is dynamic).
 */
async function checkAgainstStudio(m: TestModel, batch: number, alsoBatch?: number): Promise<Uint8Array> {
  const bytes = onnxModelBytes(m.cfg, m.tensors);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const images = testImages(m.cfg, batch);
    const expected = await studioLogits(m, images);
    for (const b of alsoBatch ? [batch, alsoBatch] : [batch]) {
      const shape: [number, number, number, number] = [b, images.shape[1], images.shape[2], images.shape[3]];
      const input = new ort.Tensor('float32', images.data.slice(0, shape.reduce((x, y) => x * y, 1)), shape);
      const out = await session.run({ pixel_values: input });
      expect(out.logits.dims).toEqual([b, m.cfg.numClasses]);
      expect(maxAbsDiff(out.logits.data as Float32Array, expected.subarray(0, b * m.cfg.numClasses))).toBeLessThan(TOLERANCE);
    }
  } finally {
    await session.release();
  }
  return bytes;
}

/** Zero weights added by padding every head's value width to the block's widest (q|k|v columns + proj rows). */
function valuePadding(m: TestModel): number {
  let n = 0;
  for (let i = 0; i < m.cfg.depth; i++) {
    const b = blockDimsAt(m.cfg, i);
    const pad = b.valueWidths.length * Math.max(...b.valueWidths) - b.valueWidths.reduce((a, v) => a + v, 0);
    n += pad * ((b.qkvIn?.length ?? m.cfg.embedDim) + (m.cfg.qkvBias ? 1 : 0) + m.cfg.embedDim);
  }
  return n;
}

describe('ONNX export: onnxruntime-web reproduces the studio logits', () => {
  it('rate 0 (full model), batch 3', async () => {
    await checkAgainstStudio(demo, 3);
  });

  it('rate 0.4, dynamic batch (3 and 1), file size = params x 4 bytes + value padding', async () => {
    const m = pruned(demo, 0.4);
    expect(m.cfg.blocks).not.toBeNull();
    const bytes = await checkAgainstStudio(m, 3, 1);
    const weightBytes = paramCount(m) * 4;
    const paddingBytes = valuePadding(m) * 4;
    console.warn(`ONNX size at rate 0.4: ${bytes.length} bytes; params x 4 = ${weightBytes}; value padding ${paddingBytes}`);
    expect(bytes.length).toBeGreaterThan(weightBytes + paddingBytes);
    expect(bytes.length - weightBytes - paddingBytes).toBeLessThan(48 * 1024); // graph, gather indices, metadata
    expect(bytes.length / weightBytes).toBeLessThan(1.06);
  });

  it('rate 0.7 (uneven heads, pruned residual inputs)', async () => {
    const m = pruned(demo, 0.7);
    const dims = m.cfg.blocks!;
    expect(dims.some((b) => b.qkvIn !== null || b.fc1In !== null)).toBe(true);
    expect(dims.some((b) => new Set(b.valueWidths).size > 1)).toBe(true);
    await checkAgainstStudio(m, 3, 2);
  });

  it('a model with a dropped head and widths rounded to multiples of 8', async () => {
    const m = pruned(demo, 0.4, { dropHead: true, roundTo: 8 });
    expect(blockDimsAt(m.cfg, 1).heads).toEqual([0, 1, 3]);
    for (const b of m.cfg.blocks!) {
      expect(b.hidden % 8).toBe(0);
      for (const w of b.valueWidths) expect(w % 8).toBe(0);
    }
    await checkAgainstStudio(m, 2);
  });

  it('a distilled model (mean of both heads), pruned at 0.4', async () => {
    await checkAgainstStudio(pruned(distilledModel(), 0.4), 2);
  });

  it('a tiny model without q/k/v biases on images cropped to whole patches, pruned at 0.5', async () => {
    await checkAgainstStudio(pruned(oddModel(), 0.5), 3, 1);
  });

  it('whole sublayers: a removed attention, a removed MLP and a dropped block (depth 5); and a tiny model without q/k/v biases', async () => {
    const m = sublayerPruned(demo);
    expect(m.cfg.depth).toBe(5);
    const bytes = await checkAgainstStudio(m, 3, 1);
    const model = decodeOnnxModel(bytes);
    const meta = Object.fromEntries(model.metadata_props.map((p) => [p.key, JSON.parse(p.value)]));
    expect(meta[META.config].dropped_blocks).toEqual([4]);
    const count = (op: string) => model.graph.node.filter((n) => n.op_type === op).length;
    expect(count('LayerNormalization')).toBe(2 * 5 - 2 + 1); // two sublayers gone, + the final norm
    expect(count('Softmax')).toBe(4);
    expect(count('Erf')).toBe(4);
    await checkAgainstStudio(sublayerPruned(oddModel(), 0.2, { 1: 'attn' }), 2);
  });
});

describe('ONNX file content', () => {
  it('opset 17, dynamic batch, class names and dims in metadata, one attention per block', () => {
    const m = pruned(demo, 0.4);
    const model = decodeOnnxModel(onnxModelBytes(m.cfg, m.tensors, { report: { rate: 0.4 } }));
    expect(model.opset_import).toEqual([{ domain: '', version: ONNX_OPSET }]);
    expect(model.producer_name).toBe('vit-pruning-studio');
    const input = model.graph.input[0].type.tensor_type.shape.dim;
    expect(input[0]).toEqual({ dim_param: 'batch' });
    expect(model.graph.output[0].type.tensor_type.shape.dim[0]).toEqual({ dim_param: 'batch' });
    const meta = Object.fromEntries(model.metadata_props.map((p) => [p.key, JSON.parse(p.value)]));
    expect(meta[META.classNames]).toEqual(m.cfg.classNames ?? Array.from({ length: 10 }, (_, i) => String(i)));
    expect(meta[META.blockDims][0].value_widths).toEqual(m.cfg.blocks![0].valueWidths);
    expect(meta[META.report]).toEqual({ rate: 0.4 });
    const count = (op: string) => model.graph.node.filter((n) => n.op_type === op).length;
    expect(count('Softmax')).toBe(m.cfg.depth);
    expect(count('LayerNormalization')).toBe(2 * m.cfg.depth + 1);
    expect(count('Erf')).toBe(m.cfg.depth);
    expect(count('MatMul')).toBe(6 * m.cfg.depth + 1); // qkv, QK, AV, proj, fc1, fc2 per block + head
    expect(model.graph.initializer.every((t) => t.raw_data && t.raw_data.length > 0)).toBe(true);
  });
});
