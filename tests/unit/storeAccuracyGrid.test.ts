import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { gridRates } from '../../src/store/accuracyGrid';
import { backendCacheKey, BACKEND_OVERRIDE_KEY } from '../../src/store/backendPreference';
import type { KeyValueStore } from '../../src/store/storeContext';
import { createStudioStore } from '../../src/store/createStudioStore';
import { IdbPersistence } from '../../src/store/persistence';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, InProcessClient } from './workerTestFixtures';

beforeAll(useCpuBackend);

const waitFor = async (cond: () => boolean, ms = 60_000) => {
  const t0 = Date.now();
  while (!cond()) { if (Date.now() - t0 > ms) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 10)); }
};

describe('background accuracy grid', () => {
  it('lists the grid rates up to 90%', () => {
    expect(gridRates(0.05)).toHaveLength(19);
    expect(gridRates(0.05)[18]).toBeCloseTo(0.9, 9);
    expect(gridRates(0)).toEqual([]);
  });

  it('fills in when idle; a move near a grid point shows its figure at once, marked, and the exact one follows', async () => {
    const client = new InProcessClient();
    const map = new Map<string, string>();
    const backendStore: KeyValueStore = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => { map.set(k, v); } };
    const store = createStudioStore({
      client, persistence: new IdbPersistence({ dbName: 'grid-1' }), baseUrl: BASE_URL, download: () => {},
      accuracyLimit: 64, accuracyGridStep: 0.45, backendStore,
    });
    await store.getState().start();
    await waitFor(() => store.runtime.grid.points.size === 3 && !store.runtime.grid.running);
    const at45 = store.runtime.grid.points.get(0.45)!;
    expect(at45).toMatchObject({ n: 64, partial: false });

    store.getState().setPrune({ rate: 0.46 });
    expect(store.getState().maskedAccuracy).toMatchObject({ gridRate: 0.45, accuracy: at45.accuracy, settings: { rate: 0.46 } });
    await waitFor(() => store.getState().maskedAccuracy?.gridRate === undefined && store.getState().maskedAccuracy?.partial === false);
    expect(store.getState().maskedAccuracy).toMatchObject({ n: 64, settings: { rate: 0.46 } });

    store.getState().setPrune({ rate: 0.45 }); // exactly a grid point: nothing to ask the worker
    expect(store.getState().maskedAccuracy).toMatchObject({ gridRate: 0.45, settings: { rate: 0.45 } });
    expect(store.runtime.accuracy.busy).toBe(false);

    // The forced cpu order of this engine is never measured, so nothing is cached; the override is remembered.
    expect([...map.keys()].some((k) => k === backendCacheKey(store.getState().model!.config, ''))).toBe(false);
    await store.getState().setBackendChoice('cpu');
    expect(map.get(BACKEND_OVERRIDE_KEY)).toBe('"cpu"');
    expect(store.getState().backend?.backend).toBe('cpu');
  });
});
