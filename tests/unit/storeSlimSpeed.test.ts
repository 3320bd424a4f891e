/** "Measure speed" through the store: it slims first when needed, times the slim model, and belongs to that slim model only. */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStudioStore } from '../../src/store/createStudioStore';
import { IdbPersistence } from '../../src/store/persistence';
import { NOT_MEASURED, pruningReport } from '../../src/store/report';
import { currentSlimSpeed, slimSpeedText } from '../../src/store/slimSpeedFigures';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, InProcessClient } from './workerTestFixtures';

beforeAll(useCpuBackend);

describe('studio store: Measure speed', () => {
  it('slims at the current setting, times slim against full, then measures the accuracies; a new slim model drops the figure', async () => {
    const store = createStudioStore({
      client: new InProcessClient(), persistence: new IdbPersistence({ dbName: 'slim-speed' }), baseUrl: BASE_URL, download: () => {},
      accuracyLimit: 32, slimSpeed: { batches: [1, 3], runs: 2 },
    });
    await store.getState().start();
    store.getState().setPrune({ rate: 0.5, criterion: 'magnitude' });
    expect(store.getState().pruned).toBeNull();
    await store.getState().measureSlimSpeed();
    const s = store.getState();
    expect(s.pruned).not.toBeNull();
    expect(s.prunedWith?.rate).toBe(0.5);
    const speed = currentSlimSpeed(s)!;
    expect(speed.prunedId).toBe(s.pruned!.id);
    expect(speed.points.map((p) => p.batch)).toEqual([1, 3]);
    expect(s.slimSpeedJob).toMatchObject({ status: 'done', message: slimSpeedText(speed) });
    expect(slimSpeedText(speed)).toMatch(/^slim \/ full time on cpu: \d+\.\d\d× at batch 1 \(.* ms\), \d+\.\d\d× at batch 3 \(.* ms\); MACs 0\.\d\d×$/);
    expect(s.evalJob.status).toBe('done'); // the new slim model's accuracies followed
    expect(s.prunedAccuracy).not.toBeNull();

    expect(pruningReport(s)).toMatchObject({ speed: { backend: 'cpu', runs: 2, macsRatio: speed.macsRatio, points: speed.points } });

    store.getState().setPrune({ rate: 0.3 });
    await store.getState().applyPrune();
    expect(currentSlimSpeed(store.getState())).toBeNull();
    expect(pruningReport(store.getState())).toMatchObject({ speed: NOT_MEASURED });
  });
});
