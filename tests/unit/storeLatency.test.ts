/** "Latency saved" in the studio: a latency table measured by the engine on its backend, the slider in predicted latency saved, a prune at it. */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStudioStore } from '../../src/store/createStudioStore';
import { IdbPersistence } from '../../src/store/persistence';
import { latencyTableFits, predictLatency } from '../../src/prune/latencyTable';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, InProcessClient } from './workerTestFixtures';

beforeAll(useCpuBackend);

describe('studio store: latency saved', () => {
  it('measures a table for the loaded model, moves the slider to the current cut in latency saved, lands a target and prunes at it', async () => {
    const store = createStudioStore({ client: new InProcessClient(), persistence: new IdbPersistence({ dbName: 'latency' }), baseUrl: BASE_URL, download: () => {}, accuracyLimit: 16 });
    await store.getState().start();
    store.getState().setPrune({ rate: 0.3, unit: 'macs', criterion: 'magnitude' });
    store.getState().setPrune({ unit: 'latency' }); // no table yet: not a unit the slider can use
    expect(store.getState().prune.unit).toBe('macs');

    await store.getState().measureLatencyTable(1);
    let s = store.getState();
    expect(s.latencyJob.status, s.latencyJob.message).toBe('done');
    const table = s.prune.latency!;
    expect(table.backend).toBe('cpu');
    expect(table.batch).toBe(1);
    expect(latencyTableFits(table, s.model!.config)).toBe(true);
    expect(s.latencyJob.message).toContain(`${predictLatency(table, s.model!.config).toFixed(1)} ms predicted per batch of 1`);
    expect(s.prune.unit).toBe('latency');
    expect(Math.abs(s.prune.rate - s.preview!.latencySaved!)).toBeLessThanOrEqual(0.0051); // the same cut, in the new unit

    store.getState().setPrune({ rate: 0.25 });
    s = store.getState();
    expect(s.preview!.latencySaved!).toBeGreaterThanOrEqual(0.25);
    expect(s.preview!.latencySaved! - 0.25).toBeLessThan(0.01);
    await store.getState().applyPrune();
    s = store.getState();
    expect(s.prunedWith?.unit).toBe('latency');
    expect(s.pruned!.config.blocks).toEqual(s.preview!.blocks); // the worker cut what the preview showed

    // A table of another backend predicts nothing here: dropped, the slider back in MACs.
    store.getState().setPrune({ latency: { ...table, backend: 'webgpu' } });
    expect(store.getState().prune.latency).toBeNull();
    expect(store.getState().prune.unit).toBe('macs');
  });
});
