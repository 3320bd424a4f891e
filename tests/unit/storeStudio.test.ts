import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStudioStore, type StudioStore } from '../../src/store/createStudioStore';
import { IdbPersistence, type Persistence } from '../../src/store/persistence';
import type { ExportedFile } from '../../src/worker/engineApi';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, InProcessClient } from './workerTestFixtures';
import { STUDIO_DEP_DEFAULTS } from '../../src/store/storeContext';
import { pngBytes } from '../fixtures/data/makeData';
import { unzipSync } from 'fflate';
import { importCheckpoint } from '../../src/io/checkpoint';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { evaluateAccuracy } from '../../src/train/evaluate';
import type { EngineSession } from '../../src/worker/session';
import type { HostTensors } from '../../src/model/hostTensor';
import type { VitConfig } from '../../src/model/vitConfig';
import { computePreview } from '../../src/store/preview';
import { scoresHash, slimStaleReasons } from '../../src/store/slimProvenance';
import { NOT_MEASURED } from '../../src/store/report';

/** The downloaded zip's model and report. */
function unpack(file: ExportedFile) {
  const files = unzipSync(new Uint8Array(file.bytes));
  const model = importCheckpoint([{ name: 'config.json', bytes: files['config.json'] }, { name: 'model.safetensors', bytes: files['model.safetensors'] }]);
  return { model, report: JSON.parse(new TextDecoder().decode(files['report.json'])).pruning };
}

/** Accuracy of weights on the session's first `limit` validation images, evaluated here (not by the store). */
async function accuracyOf(session: EngineSession, config: VitConfig, tensors: HostTensors, limit: number): Promise<number> {
  const params = vitParams(config, tensors);
  try {
    return (await evaluateAccuracy(params, session.requireData().val, session.normalisation(), { limit })).top1;
  } finally {
    disposeVitParams(params);
  }
}

beforeAll(useCpuBackend);

let dbCounter = 0;
const waitFor = async (cond: () => boolean, ms = 30_000) => {
  const t0 = Date.now();
  while (!cond()) { if (Date.now() - t0 > ms) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 10)); }
};

/** A store over an in-process engine and a fake IndexedDB database. */
function makeStore(dbName: string, persistence?: Persistence, maxStoredBytes?: number) {
  const client = new InProcessClient();
  const downloads: ExportedFile[] = [];
  const store: StudioStore = createStudioStore({
    client, persistence: persistence ?? new IdbPersistence({ dbName }), baseUrl: BASE_URL, download: (f) => downloads.push(f),
    accuracyLimit: 64, checkpointIntervalMs: 50, ...(maxStoredBytes !== undefined ? { maxStoredBytes } : {}),
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

  it('keeps the Data panel busy from the start until the model has loaded, so nothing loaded in between is replaced', async () => {
    const { store } = makeStore(`studio-${++dbCounter}`);
    const seen: string[] = []; // model job : model loaded : data job, each change
    const unsubscribe = store.subscribe((s) => {
      const entry = `${s.modelJob.status}:${s.model ? 'model' : 'none'}:${s.datasetJob.status}`;
      if (seen[seen.length - 1] !== entry) seen.push(entry);
    });
    await store.getState().start();
    unsubscribe();
    const loading = seen.slice(seen.findIndex((e) => e.startsWith('running:')));
    expect(loading.length).toBeGreaterThan(1);
    // from the model load on, no moment in which the Data panel was idle without a dataset (a click there would be replaced)
    expect(loading.filter((e) => e.endsWith(':idle'))).toEqual([]);
    expect(store.getState().datasetJob.status).toBe('done');
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
    // The figures are those of the models they name, evaluated independently of the store.
    const session = reload.client.engine.session;
    const loaded = session.requireModel();
    const { model: inFile } = unpack(reload.downloads[0]);
    expect(reload.store.getState().accuracyImages).toBe(64);
    expect(reload.store.getState().baselineAccuracy).toBe(await accuracyOf(session, loaded.config, loaded.host, 64));
    expect(reload.store.getState().prunedAccuracy).toBe(await accuracyOf(session, inFile.config, inFile.tensors, 64));
  });

  it('a slim model knows its scores and settings: retrained scores re-prune on download, a finetuned one is kept and says why', async () => {
    const { store, client, downloads } = makeStore(`studio-${++dbCounter}`);
    await store.getState().start();
    store.getState().setTrainSettings({ ...TRAIN, seed: 0 });
    await store.getState().startTraining();
    await store.getState().applyPrune();
    const first = store.getState().prunedFrom!;
    expect(first.scores?.hash).toBe(scoresHash(store.getState().scores!));
    expect(slimStaleReasons(store.getState())).toEqual([]);

    store.getState().setTrainSettings({ ...TRAIN, seed: 1, lr: 0.08 });
    await store.getState().startTraining();
    expect(slimStaleReasons(store.getState())).toEqual(['the scores changed since']);
    await store.getState().downloadPruned();
    const now = store.getState();
    expect(now.prunedFrom!.scores!.hash).not.toBe(first.scores!.hash);
    expect(now.prunedFrom!.scores!.hash).toBe(scoresHash(now.scores!));
    const one = unpack(downloads[0]);
    expect(one.report.accuracy.pruned).toBe(NOT_MEASURED); // the re-pruned model's accuracy is measured after the download
    expect(one.report.accuracy.baseline).toMatchObject({ images: 64 });
    expect(one.model.config.blocks).toEqual(computePreview(now.model, now.scores, now.prune)!.blocks);
    expect(one.report.provenance.scores.hash).toBe(scoresHash(now.scores!));

    // Finetune at 40%, then move the slider: the finetuned model is kept, the report describes it, not the slider.
    await store.getState().finetune(2);
    const slim40 = store.getState().prunedFrom!;
    expect(slim40.finetuneSteps).toBe(2);
    store.getState().setPrune({ rate: 0.7 });
    await store.getState().downloadPruned();
    expect(store.getState().prunedWith!.rate).toBe(0.4);
    expect(store.getState().exportJob.message).toMatch(/kept the finetuned slim model although the prune settings changed/);
    const two = unpack(downloads[1]);
    expect(two.report.settings.rate).toBe(0.4);
    expect(two.report.preview.macsSaved).toBe(slim40.preview!.macsSaved);
    expect(two.report.preview.macsSaved).not.toBe(store.getState().preview!.macsSaved);
    expect(two.report.provenance).toMatchObject({ finetuneSteps: 2, staleReasons: ['the prune settings changed'] });
    expect(two.report.accuracy.masked).toBe(NOT_MEASURED); // the slider's masked figure is about another model
    const session = client.engine.session;
    expect(two.report.accuracy.finetuned.accuracy).toBe(await accuracyOf(session, two.model.config, two.model.tensors, 64));
    expect(two.report.accuracy.finetuned.images).toBe(64);
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

  it('keeps uploads up to the storage cap (512 MiB by default) across a reload, and says when one is over it', async () => {
    expect(STUDIO_DEP_DEFAULTS.maxStoredBytes).toBe(512 * 1024 ** 2);
    const files = Array.from({ length: 12 }, (_, i) => {
      const file = new File([pngBytes(8, 8, () => [20 * i, 20 * i, 20 * i, 255]).slice()], `${i}.png`);
      return Object.assign(file, { webkitRelativePath: `shop/${i % 2 ? 'Bag' : 'Coat'}/${i}.png` });
    });
    const total = (await Promise.all(files.map((f) => f.arrayBuffer()))).reduce((n, b) => n + b.byteLength, 0);
    for (const [cap, kept] of [[total, true], [total - 1, false]] as const) {
      const dbName = `studio-${++dbCounter}`;
      const first = makeStore(dbName, undefined, cap);
      await first.store.getState().start();
      await first.store.getState().importDataset(files);
      expect(first.store.getState().dataset?.name).toBe('shop');
      expect(first.store.getState().notice ?? '').toMatch(kept ? /^$/ : /too large to keep across reloads/);
      const reload = makeStore(dbName, undefined, cap);
      await reload.store.getState().start();
      expect(reload.store.getState().dataset?.name).not.toBe(undefined);
      expect(reload.store.getState().dataset?.name === 'shop').toBe(kept);
    }
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
