import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { distillsScores, finetuneDistills, labelsIssue, savedMappingFor } from '../../src/store/classMapState';
import { createStudioStore } from '../../src/store/createStudioStore';
import { IdbPersistence } from '../../src/store/persistence';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, InProcessClient } from './workerTestFixtures';
import { pngBytes } from '../fixtures/data/makeData';

beforeAll(useCpuBackend);

let dbCounter = 0;

/** A store over an in-process engine and a fake IndexedDB database `dbName`. */
function makeStore(dbName: string) {
  return createStudioStore({
    client: new InProcessClient(), persistence: new IdbPersistence({ dbName }), baseUrl: BASE_URL, download: () => {},
    accuracyLimit: 16, checkpointIntervalMs: 50,
  });
}

/** Picked files of a folder `set/<class>/<i>.png`, 4 images per class. */
function folder(classes: string[]): File[] {
  return classes.flatMap((c, k) => [0, 1, 2, 3].map((i) => {
    const file = new File([pngBytes(8, 8, () => [30 * k + 5 * i, 0, 0, 255]).slice().buffer as ArrayBuffer], `${i}.png`, { type: 'image/png' });
    Object.defineProperty(file, 'webkitRelativePath', { value: `set/${c}/${i}.png` });
    return file;
  }));
}

const waitFor = async (cond: () => boolean, ms = 20_000) => {
  const t0 = Date.now();
  while (!cond()) { if (Date.now() - t0 > ms) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 10)); }
};

describe('studio store: the class mapping', () => {
  it('blocks training and accuracy until every class is mapped; the mapping survives a reload', async () => {
    const dbName = `classmap-${++dbCounter}`;
    const store = makeStore(dbName);
    await store.getState().start();
    await store.getState().importDataset(folder(['cat', 'dog']));
    let s = store.getState();
    expect(s.dataset?.classNames).toEqual(['cat', 'dog']);
    expect(s.classMap).toEqual([-1, -1]);
    expect(s.labelMode).toBe('labels');
    expect(s.maskedAccuracyError).toMatch(/choose a model class for cat, dog/);
    await s.startTraining();
    expect(store.getState().trainJob).toMatchObject({ status: 'error' });
    expect(store.getState().trainJob.message).toMatch(/cat, dog/);

    await store.getState().setClassMapping(0, 8);
    expect(store.getState().maskedAccuracyError).toMatch(/choose a model class for dog/);
    await store.getState().setClassMapping(1, 9);
    s = store.getState();
    expect(s.classMap).toEqual([8, 9]);
    expect(s.dataset?.classMap?.mapping).toEqual([8, 9]);
    await waitFor(() => store.getState().maskedAccuracy !== null);
    expect(store.getState().maskedAccuracyError).toBeNull();
    await new Promise((r) => setTimeout(r, 600)); // the settings are saved a moment after the last change

    const reload = makeStore(dbName);
    await reload.getState().start();
    expect(reload.getState().dataset?.classNames).toEqual(['cat', 'dog']);
    expect(reload.getState().classMap).toEqual([8, 9]);
    expect(reload.getState().dataset?.classMap?.mapping).toEqual([8, 9]);
  });

  it('keeps the label mode as chosen, and "new head" waits for the head to be fitted', async () => {
    const store = makeStore(`classmap-${++dbCounter}`);
    await store.getState().start();
    await store.getState().importDataset(folder(['Ankle_boot', 'T-shirt_top']));
    expect(store.getState().classMap).toEqual([9, 0]); // matched by name
    await store.getState().setLabelMode('new-head');
    expect(store.getState().labelMode).toBe('new-head');
    expect(store.getState().dataset?.classMap?.labelMode).toBe('new-head');
    expect(store.getState().maskedAccuracyError).toMatch(/fit the new head first/);
    await store.getState().setLabelMode('labels');
    expect(store.getState().maskedAccuracyError).toBeNull();
    store.getState().setTrainSettings({ target: 'labels' });
    expect(distillsScores(store.getState())).toBe(false);
    store.getState().setTrainSettings({ target: 'original' }); // Train's "Match the original model" with labels kept
    expect(distillsScores(store.getState())).toBe(true);
    expect(finetuneDistills(store.getState())).toBe(false); // finetuning keeps its own choice
    expect(store.getState().labelMode).toBe('labels');
    store.getState().setTrainSettings({ target: 'labels' });
    await store.getState().setLabelMode('label-free'); // label-free data: distillation whatever the target
    expect(store.getState().dataset?.classMap?.labelMode).toBe('label-free');
    expect(labelsIssue(store.getState())).toBeNull();
    expect(distillsScores(store.getState())).toBe(true);
    expect(finetuneDistills(store.getState())).toBe(true);
  });
});

describe('savedMappingFor', () => {
  const ds = {
    id: 'd', name: 'set', classNames: ['cat', 'dog'], trainCounts: [1, 1], valCounts: [1, 1], thumbnails: [], skipped: [], warnings: [],
    classMap: { modelClasses: ['a', 'b', 'c'], mapping: [-1, -1], byName: [-1, -1], ambiguous: [], labelMode: 'labels' as const },
  };
  const saved = { datasetClasses: ['cat', 'dog'], modelClasses: ['a', 'b', 'c'], mapping: [2, 0], labelMode: 'labels' as const };

  it('gives back a mapping saved for the same dataset and model classes', () => {
    expect(savedMappingFor(ds, saved)).toEqual([2, 0]);
  });

  it('drops one saved for other dataset classes, another model, or out of range', () => {
    expect(savedMappingFor(ds, { ...saved, datasetClasses: ['dog', 'cat'] })).toBeNull();
    expect(savedMappingFor(ds, { ...saved, modelClasses: ['a', 'b', 'x'] })).toBeNull();
    expect(savedMappingFor(ds, { ...saved, mapping: [3, 0] })).toBeNull();
    expect(savedMappingFor(ds, null)).toBeNull();
  });
});

describe('studio store: a normalisation the user set', () => {
  it('survives a reload, and a newly loaded model drops it', async () => {
    const dbName = `normalisation-${++dbCounter}`;
    const store = makeStore(dbName);
    await store.getState().start();
    const own = store.getState().model!.config;
    await store.getState().setNormalisation([0.4], [0.25]);
    expect(store.getState().model?.config).toMatchObject({ mean: [0.4], std: [0.25], normalisationAssumed: false });
    await new Promise((r) => setTimeout(r, 600)); // the settings are saved a moment after the last change

    const reload = makeStore(dbName);
    await reload.getState().start();
    expect(reload.getState().model?.config).toMatchObject({ mean: [0.4], std: [0.25] });

    await reload.getState().loadDemoModel(); // a model loaded afresh comes with its own normalisation
    expect(reload.getState().model?.config).toMatchObject({ mean: own.mean, std: own.std });
    await new Promise((r) => setTimeout(r, 600));
    const again = makeStore(dbName);
    await again.getState().start();
    expect(again.getState().model?.config).toMatchObject({ mean: own.mean, std: own.std });
  });
});
