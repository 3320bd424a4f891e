/** The worker's sensitivity job: per-block losses on the validation split, progress, cancel, suggestion, no tensor leak. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PruneSettings } from '../../src/worker/engineApi';
import { prunePreview } from '../../src/prune/prunePreview';
import { rankingScores } from '../../src/worker/maskedEval';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, testEngine } from './workerTestFixtures';

beforeAll(useCpuBackend);

const SETTINGS: PruneSettings = { rate: 0.5, criterion: 'vtp', fold: true, roundTo: 1, blockRates: {}, unit: 'macs' };
const TRAIN = { steps: 6, batchSize: 16, lr: 0.05, l1: 1e-3, trainWeights: false, seed: 0 };

describe('engine: per-layer sensitivity', () => {
  it('measures every block on the validation images with progress, suggests overrides at the same MACs, frees its tensors', async () => {
    const engine = testEngine();
    await engine.api.init();
    await engine.api.loadDemoModel(BASE_URL);
    await engine.api.loadSampleDataset(BASE_URL);
    await engine.api.trainScores('t', TRAIN, () => {});
    await engine.api.evaluate('model', 8); // the model's device params exist before the count
    await engine.api.sensitivity('warm', SETTINGS, 20); // the reference predictions are cached on the session
    const before = (await engine.api.memory()).numTensors;
    const progress: number[] = [];
    const r = await engine.api.sensitivity('s', SETTINGS, 120, (p) => { progress.push(p.done / p.total); });
    expect((await engine.api.memory()).numTensors).toBe(before);
    expect([r.n, r.blocks.length, r.cancelled, r.labelled]).toEqual([120, 2, false, true]);
    expect(r.settings).toEqual(SETTINGS);
    expect(progress[progress.length - 1]).toBe(1);
    expect(progress.every((f, i) => i === 0 || f >= progress[i - 1])).toBe(true);
    const preview = prunePreview(engine.session.requireModel().config, rankingScores(engine.session, 'vtp'), SETTINGS);
    expect(r.suggestion!.target).toBe(preview.macsSaved);
    expect(r.suggestion!.macsSaved - preview.macsSaved).toBeLessThan(0.01 * preview.macsSaved);
    expect(r.suggestion!.macsSaved).toBeGreaterThanOrEqual(preview.macsSaved);
    for (const b of r.blocks) expect(b.agreementLost).toBeCloseTo(r.baseAgreement - b.agreement, 12);

    // Cancelled through the job registry: the blocks done so far, no suggestion.
    const cancelled = engine.api.sensitivity('c', SETTINGS, 120, (p) => { if (p.done >= 50) void engine.api.cancel('c'); });
    const c = await cancelled;
    expect(c.cancelled).toBe(true);
    expect(c.suggestion).toBeNull();
    expect((await engine.api.memory()).numTensors).toBe(before);
  });
});
