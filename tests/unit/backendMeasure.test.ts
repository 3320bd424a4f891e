import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomVitTensors } from '../../src/model/vitInit';
import { fastestBackend, measureBackends } from '../../src/worker/backendMeasure';
import type { BackendMeasurement, BackendName } from '../../src/worker/engineApi';
import { useCpuBackend } from './helpers/backend';
import { tinyConfig } from './helpers/syntheticCheckpoint';

beforeAll(useCpuBackend);

const m = (backend: BackendName, forwardMs: number | null, stepMs: number | null, software = false): BackendMeasurement =>
  ({ backend, forwardMs, stepMs, software });

describe('backend choice by measurement', () => {
  it('picks the fastest; by score step when every timed backend has one, else by forward pass', () => {
    expect(fastestBackend([m('wasm', 10, 30), m('webgpu', 5, 40)])).toBe('wasm');
    expect(fastestBackend([m('wasm', 10, 30), m('webgpu', 5, null)])).toBe('webgpu');
    expect(fastestBackend([m('wasm', null, null), m('webgl', null, null)])).toBeNull();
  });

  it('prefers a software adapter only when it measured strictly faster', () => {
    expect(fastestBackend([m('webgpu', 10, null, true), m('wasm', 10, null)])).toBe('wasm');
    expect(fastestBackend([m('webgpu', 9, null, true), m('wasm', 10, null)])).toBe('webgpu');
  });

  it('times a forward pass and a score step on a usable backend, records why others were refused, and frees its tensors', async () => {
    const cfg = tinyConfig();
    const host = randomVitTensors(cfg, { seed: 3 });
    const before = tf.memory().numTensors;
    const target = {
      activate: async (name: BackendName) => (name === 'cpu' ? ((await tf.setBackend('cpu')) ? null : 'failed') : 'navigator.gpu missing'),
      software: async () => null,
    };
    const r = await measureBackends(['webgpu', 'cpu'], cfg, host, target, { budgetMs: 2000 });
    expect(r.find((x) => x.backend === 'webgpu')).toMatchObject({ forwardMs: null, note: 'navigator.gpu missing' });
    const cpu = r.find((x) => x.backend === 'cpu')!;
    expect(cpu.forwardMs).toBeGreaterThan(0);
    expect(cpu.stepMs).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('abandons a backend whose passes overrun its share of the budget', async () => {
    const cfg = tinyConfig({ embedDim: 64, mlpHidden: 256, depth: 4, imageSize: [32, 32] });
    const host = randomVitTensors(cfg, { seed: 4 });
    let clock = 0;
    const now = () => (clock += 50); // every reading of the clock costs 50 ms: the passes overrun a 70 ms share
    const target = { activate: async () => null, software: async () => 'software adapter (SwiftShader)' };
    const r = await measureBackends(['cpu'], cfg, host, target, { budgetMs: 120, now });
    expect(r[0].forwardMs).toBeNull();
    expect(r[0].software).toBe(true);
    expect(r[0].note).toMatch(/overran/);
  });
});
