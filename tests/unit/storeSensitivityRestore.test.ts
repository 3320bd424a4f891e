/** The per-layer sensitivity survives a reload with the session, through the store and a fake IndexedDB. */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStudioStore } from '../../src/store/createStudioStore';
import { IdbPersistence } from '../../src/store/persistence';
import { sensitivityStaleReasons } from '../../src/store/sensitivitySlice';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, InProcessClient } from './workerTestFixtures';

beforeAll(useCpuBackend);

/** A store over an in-process engine and the fake database `dbName`. */
function makeStore(dbName: string) {
  return createStudioStore({
    client: new InProcessClient(), persistence: new IdbPersistence({ dbName }), baseUrl: BASE_URL, download: () => {},
    accuracyLimit: 32, sensitivityLimit: 32, checkpointIntervalMs: 0,
  });
}

describe('sensitivity across a reload', () => {
  it('comes back with the session for the same scores, and is dropped when the scores it was measured for are not the ones restored', async () => {
    const dbName = 'sensitivity-restore';
    const first = makeStore(dbName);
    await first.getState().start();
    first.getState().setTrainSettings({ steps: 3, batchSize: 8, lr: 0.05, l1: 1e-3 });
    await first.getState().startTraining();
    first.getState().setPrune({ rate: 0.5 });
    await first.getState().computeSensitivity();
    const measured = first.getState().sensitivity;
    expect(first.getState().sensitivityJob.status).toBe('done');
    expect(measured?.blocks).toHaveLength(first.getState().model!.config.depth);

    const reload = makeStore(dbName);
    await reload.getState().start();
    const restored = reload.getState();
    expect(restored.sensitivity).toEqual(measured);
    expect(restored.sensitivityJob.message).toMatch(/^restored with the session: \d+ blocks on 32 validation images$/);
    expect(sensitivityStaleReasons(restored)).toEqual([]);

    // New scores after it was measured (another learning rate; the same settings would give the same scores): the next
    // reload has no sensitivity for them.
    reload.getState().setTrainSettings({ lr: 0.02 });
    await reload.getState().startTraining();
    expect(sensitivityStaleReasons(reload.getState())).toContain('the scores changed');
    const again = makeStore(dbName);
    await again.getState().start();
    expect(again.getState().scores).not.toBeNull();
    expect(again.getState().sensitivity).toBeNull();
  });
});
