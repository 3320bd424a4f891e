import { describe, expect, it } from 'vitest';
import { parseGpuResult, type GpuResult } from '../../bench/gpu/gpuResult';
import { gpuRatioTable } from '../../bench/gpu/gpuTable';
import { parseGpuBenchArgs } from '../../bench/gpu/gpuArgs';

const tfjs: GpuResult = {
  engine: 'tfjs-webgpu', device: 'nvidia / hopper', software: false,
  cells: [
    { model: 'tiny', kind: 'forward', batch: 16, medianMs: 40, minMs: 39, maxMs: 41, imagesPerSec: 400 },
    { model: 'tiny', kind: 'step', batch: 64, error: 'buffer too large' },
  ],
};
const torch: GpuResult = {
  engine: 'pytorch CUDA', device: 'NVIDIA H200', software: false,
  cells: [
    { model: 'tiny', kind: 'forward', batch: 16, medianMs: 10, minMs: 10, maxMs: 11, imagesPerSec: 1600 },
    { model: 'tiny', kind: 'step', batch: 64, medianMs: 20, minMs: 20, maxMs: 21, imagesPerSec: 3200 },
    { model: 'small', kind: 'forward', batch: 1, medianMs: 5, minMs: 5, maxMs: 5, imagesPerSec: 200 },
  ],
};

describe('GPU benchmark ratio table', () => {
  it('pairs cells by model, kind and batch; ratio = tfjs ÷ PyTorch images/s; failures show – and their reason', () => {
    const lines = gpuRatioTable(tfjs, torch).split('\n');
    expect(lines).toContain('| DeiT-Tiny | forward, batch 16 | 400 | 1600 | 0.25 |');
    expect(lines).toContain('| DeiT-Tiny | score step, batch 64 | – | 3200 | – |');
    expect(lines).toContain('| DeiT-Small | forward, batch 1 | – | 200 | – |');
    expect(lines).toContain('- tfjs-webgpu, DeiT-Tiny step batch 64: buffer too large');
    expect(lines.some((l) => l.includes('software adapter'))).toBe(false);
  });

  it('keeps two significant digits for software-adapter speeds and ratios', () => {
    const slow: GpuResult = { ...tfjs, cells: [{ model: 'tiny', kind: 'forward', batch: 16, medianMs: 200000, minMs: 1, maxMs: 1, imagesPerSec: 0.08 }] };
    expect(gpuRatioTable(slow, torch)).toContain('| DeiT-Tiny | forward, batch 16 | 0.080 | 1600 | 0.000050 |');
  });

  it('says when an engine ran on a software adapter', () => {
    const text = gpuRatioTable({ ...tfjs, software: true, device: 'swiftshader' }, torch);
    expect(text).toContain('tfjs-webgpu ran on a software adapter (swiftshader)');
  });

  it('rejects a result file without cells or with a bad cell, naming the file', () => {
    expect(() => parseGpuResult('{"engine":"x","device":"y"}', 'a.json')).toThrow(/a\.json: expected/);
    expect(() => parseGpuResult('{"engine":"x","device":"y","cells":[{"model":"tiny","kind":"back","batch":1}]}', 'b.json')).toThrow(/b\.json: bad cell/);
    expect(parseGpuResult(JSON.stringify(torch), 't.json').cells).toHaveLength(3);
  });

  it('parses the tfjs half\'s options and refuses bad ones', () => {
    expect(parseGpuBenchArgs(['--models', 'tiny', '--batches', '1,8', '--image', '32']))
      .toMatchObject({ models: ['tiny'], batches: [1, 8], image: 32, stepBatch: 64 });
    expect(() => parseGpuBenchArgs(['--models', 'huge'])).toThrow(/--models/);
    expect(() => parseGpuBenchArgs(['--image', '30'])).toThrow(/multiple of the patch size/);
    expect(() => parseGpuBenchArgs(['--speed', '1'])).toThrow(/unknown option --speed/);
  });
});
