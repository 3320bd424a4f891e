import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStudioStore, type StudioStore } from '../../src/store/createStudioStore';
import { IdbPersistence, type Persistence } from '../../src/store/persistence';
import type { ExportedFile } from '../../src/worker/engineApi';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, InProcessClient } from './workerTestFixtures';

beforeAll(useCpuBackend);

let dbCounter = 0;
const waitFor = async (cond: () => boolean, ms = 30_000) => {
  const t0 = Date.now();
  while (!cond()) { if (Date.now() - t0 > ms) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 10)); }
};

/** A store over an in-process engine and a fake IndexedDB database. */
function makeStore(dbName: string, persistence?: Persistence) {
  const client = new InProcessClient();
  const downloads: ExportedFile[] = [];
  const store: StudioStore = createStudioStore({
    client, persistence: persistence ?? new IdbPersistence({ dbName }), baseUrl: BASE_URL, download: (f) => downloads.push(f),
    accuracyLimit: 64, checkpointIntervalMs: 50,
  });
  return { store, client, downloads };
}

const TRAIN = { steps: 12, batchSize: 16, lr: 0.05, l1: 1e-3 };

describe('studio store', () => {
  it('starts with the demo model and data, previews on the main thread and fetches the accuracy', async () => {
    const { store } = makeStore(`studio-${++dbCounter}`);
    await store.getState().start();
    const s = store.getState();
    expect(s.backend?.backend).toBe('cpu');
    expect(s.model?.source).toBe('demo');
    expect(s.dataset?.trainCounts.reduce((a, b) => a + b)).toBe(2000);
    expect(s.predictions).toHaveLength(8);
    expect(s.preview).not.toBeNull();
    const before = s.preview!.paramsSaved;
    store.getState().setPrune({ rate: 0.7 });
    expect(store.getState().preview!.paramsSaved).toBeGreaterThan(before); // synchronous
    expect(store.getState().maskedAccuracy).toBeNull();
    await waitFor(() => store.getState().maskedAccuracy !== null);
    expect(store.getState().maskedAccuracy).toMatchObject({ n: 25, partial: true, settings: { rate: 0.7 } }); // the first estimate
    await waitFor(() => store.getState().maskedAccuracy?.partial === false);
    expect(store.getState().maskedAccuracy).toMatchObject({ n: 64, settings: { rate: 0.7 } });
  });

  it('trains, keeps the charts and scores across a reload, prunes and downloads', async () => {
    const dbName = `studio-${++dbCounter}`;
    const first = makeStore(dbName);
    await first.store.getState().start();
    first.store.getState().setTrainSettings(TRAIN);
    await first.store.getState().startTraining();
    const trained = first.store.getState();
    expect(trained.trainJob.status).toBe('done');
    expect(trained.trainHistory[trained.trainHistory.length - 1].step).toBe(12);
    expect(trained.scores).not.toBeNull();

    const reload = makeStore(dbName);
    await reload.store.getState().start();
    const restored = reload.store.getState();
    expect(restored.trainSettings).toMatchObject(TRAIN);
    expect(restored.scores?.blocks[0].hidden).toEqual(trained.scores?.blocks[0].hidden);
    expect(restored.trainHistory.map((h) => h.step)).toEqual(trained.trainHistory.map((h) => h.step));
    expect(restored.trainJob).toMatchObject({ status: 'done', message: 'trained 12/12 steps' });

    await reload.store.getState().downloadPruned();
    expect(reload.store.getState().pruned).not.toBeNull();
    expect(reload.store.getState().exportJob.status).toBe('done');
    expect(reload.downloads[0].fileName).toMatch(/pruned40-safetensors\.zip$/);
    // The download waited for no accuracy: they are measured afterwards, as a visible job.
    expect(reload.store.getState().prunedAccuracy).toBeNull();
    expect(reload.store.getState().evalJob.status).toBe('running');
    await waitFor(() => reload.store.getState().evalJob.status === 'done');
    expect(reload.store.getState().baselineAccuracy).toBeGreaterThanOrEqual(0);
    expect(reload.store.getState().prunedAccuracy).toBeGreaterThanOrEqual(0);
  });

  it('resumes a run interrupted by a reload from its last checkpoint', async () => {
    const dbName = `studio-${++dbCounter}`;
    const first = makeStore(dbName);
    await first.store.getState().start();
    first.store.getState().setTrainSettings({ ...TRAIN, steps: 2000 });
    void first.store.getState().startTraining();
    // Wait for scores that follow at least one update (the first snapshot may be the starting scores, step 0).
    await waitFor(() => (first.store.getState().trainHistory.at(-1)?.step ?? 0) >= 5 && first.store.getState().scores !== null && (first.store.runtime.run?.done ?? 0) > 0);
    await first.store.runtime.checkpoints.flush();
    const reached = first.store.runtime.run!.done;
    first.store.runtime.checkpoints.push = () => {}; // the tab goes away: nothing more is written
    for (const job of first.client.engine.jobs.all()) job.cancel();

    const reload = makeStore(dbName);
    await reload.store.getState().start();
    expect(reload.store.getState().trainJob.status).toBe('paused');
    const savedStep = reload.store.runtime.run!.done;
    expect(savedStep).toBeGreaterThan(0);
    expect(savedStep).toBeLessThanOrEqual(reached);
    reload.store.getState().setTrainSettings({ steps: 2000 });
    reload.store.runtime.run!.settings.steps = savedStep + 4;
    reload.store.runtime.run!.steps = savedStep + 4;
    await reload.store.getState().resumeTraining();
    expect(reload.store.getState().trainJob.status).toBe('done');
    expect(reload.store.getState().trainHistory.at(-1)?.step).toBe(savedStep + 4);
  });

  it('restarts a crashed engine, restores the session and carries on training', async () => {
    const { store, client } = makeStore(`studio-${++dbCounter}`);
    await store.getState().start();
    store.getState().setTrainSettings({ ...TRAIN, steps: 3000 });
    void store.getState().startTraining();
    await waitFor(() => store.getState().scores !== null);
    await store.runtime.checkpoints.flush();
    const oldEngine = client.engine;
    client.kill('test');
    await waitFor(() => client.engine !== oldEngine && store.runtime.trainJobId !== null && store.getState().trainJob.status === 'running' && client.engine.session.scores !== null);
    expect(store.getState().notice).toMatch(/restarted and the session restored/);
    expect(store.getState().model).not.toBeNull();
    await store.getState().stopTraining();
    await waitFor(() => store.getState().trainJob.status === 'cancelled');
  });

  it('reports a full storage quota in the notice', async () => {
    const inner = new IdbPersistence({ dbName: `studio-${++dbCounter}` });
    const quota = Object.assign(new Error('quota exceeded'), { name: 'QuotaExceededError' });
    const full: Persistence = { ...inner, load: () => inner.load(), saveSettings: (s) => inner.saveSettings(s), saveModel: (m) => inner.saveModel(m),
      saveDataset: (d) => inner.saveDataset(d), clear: () => inner.clear(), saveCheckpoint: () => Promise.reject(quota) };
    const { store } = makeStore('unused', full);
    await store.getState().start();
    store.getState().setTrainSettings({ ...TRAIN, steps: 3 });
    await store.getState().startTraining();
    expect(store.getState().notice).toMatch(/storage is full/);
    expect(store.getState().trainJob.status).toBe('done');
  });
});
