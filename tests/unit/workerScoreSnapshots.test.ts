/**
 * Score snapshots during training say which step they follow, so a checkpoint resumes exactly there:
 * each snapshot's step trails the progress event that carries it by at least the update in flight,
 * the last one follows every step, and the scores it carries are the engine's scores at that step.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScoreSnapshot, TrainProgress } from '../../src/worker/engineApi';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, testEngine } from './workerTestFixtures';

beforeAll(useCpuBackend);

describe('engine: score snapshots', () => {
  it('carry the step their scores follow, never ahead of the progress that carries them', async () => {
    const engine = testEngine({ snapshotIntervalMs: 0, progressIntervalMs: 0 });
    await engine.api.init();
    await engine.api.loadDemoModel(BASE_URL);
    await engine.api.loadSampleDataset(BASE_URL);
    const events: { p: TrainProgress; scores: ScoreSnapshot | null }[] = [];
    const r = await engine.api.trainScores('s', { steps: 6, batchSize: 8, lr: 0.05, l1: 1e-3, trainWeights: false, seed: 0 },
      (p, scores) => { events.push({ p, scores }); });
    expect(r).toEqual({ stopped: null, steps: 6 });
    const snaps = events.filter((e) => e.scores);
    expect(snaps.length).toBeGreaterThan(2);
    for (const { p, scores } of snaps.slice(0, -1)) {
      expect(scores!.step).toBeLessThan(p.step);
      expect(scores!.step).toBeGreaterThanOrEqual(p.step - 1); // sent as soon as read back, not a step later
    }
    const last = snaps[snaps.length - 1];
    expect(last.scores!.step).toBe(6);
    expect(Array.from(last.scores!.blocks[0].qkv)).toEqual(Array.from(engine.session.scores!.blocks[0].qkv));
  });
});
