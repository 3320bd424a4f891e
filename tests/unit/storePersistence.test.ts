import 'fake-indexeddb/auto';
import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { describe, expect, it } from 'vitest';
import { IdbPersistence } from '../../src/store/persistence';
import { migrateRecord, SessionRefused, SESSION_VERSION, trimHistory } from '../../src/store/sessionRecord';
import { isQuotaError, storageErrorMessage } from '../../src/store/storageError';
import type { TrainProgress } from '../../src/worker/engineApi';

let dbCounter = 0;
const fresh = (historyLimit = 2000) => {
  const dbName = `test-db-${++dbCounter}`;
  return { dbName, p: new IdbPersistence({ dbName, historyLimit }) };
};
const point = (step: number) => ({ step, steps: 10, loss: 1, ce: 1, l1: 0, accuracy: 0.5, nearZero: 0, imagesPerSecond: 1, elapsedMs: step, gateStats: {} }) as unknown as TrainProgress;
const scores = () => ({ blocks: [{ qkv: new Float32Array([1, 0.5]), attn: new Float32Array([0.1]), fc1: new Float32Array([1]), hidden: new Float32Array([0, 2]) }] });
const settings = { trainSettings: { steps: 10, batchSize: 8, lr: 0.01, l1: 1e-4, trainWeights: false, seed: 0 }, prune: { rate: 0.3, criterion: 'vtp' as const, fold: true, roundTo: 1, blockRates: { 1: 0.5 } }, valFraction: 0.25, exportFormat: 'onnx' as const };

describe('IndexedDB persistence', () => {
  it('saves and restores settings, model, dataset and checkpoint', async () => {
    const { p } = fresh();
    expect(await p.load()).toEqual({ session: null, refused: null });
    await p.saveSettings(settings);
    await p.saveModel({ kind: 'files', name: 'm', files: [{ name: 'm/config.json', bytes: new Uint8Array([1, 2, 3]).buffer }] });
    await p.saveDataset({ kind: 'files', name: 'd', batches: [{ className: 'cat', files: [{ name: 'a.png', bytes: new ArrayBuffer(4) }] }] });
    const run = { jobId: 'train-1', settings: settings.trainSettings, done: 4, steps: 10, status: 'running' as const };
    await p.saveCheckpoint({ savedAt: 1, scores: scores(), history: [point(1), point(2)], run });
    const { session, refused } = await p.load();
    expect(refused).toBeNull();
    expect(session?.settings).toEqual({ ...settings, version: SESSION_VERSION });
    expect(session?.model?.ref.kind).toBe('files');
    expect(new Uint8Array((session?.model?.ref as { files: { bytes: ArrayBuffer }[] }).files[0].bytes)).toEqual(new Uint8Array([1, 2, 3]));
    expect(session?.dataset?.ref).toMatchObject({ kind: 'files', batches: [{ className: 'cat' }] });
    expect(session?.checkpoint?.scores?.blocks[0].hidden).toEqual(new Float32Array([0, 2]));
    expect(session?.checkpoint?.run).toEqual(run);
    expect(session?.checkpoint?.history.map((h) => h.step)).toEqual([1, 2]);
  });

  it('drops the checkpoint with the model change, in the same transaction', async () => {
    const { p } = fresh();
    await p.saveCheckpoint({ savedAt: 1, scores: scores(), history: [], run: null });
    await p.saveModel({ kind: 'demo' });
    const { session } = await p.load();
    expect(session?.checkpoint).toBeUndefined();
    expect(session?.model?.ref).toEqual({ kind: 'demo' });
  });

  it('trims the history to the last N points', async () => {
    const { p } = fresh(5);
    await p.saveCheckpoint({ savedAt: 1, scores: null, history: Array.from({ length: 12 }, (_, i) => point(i + 1)), run: null });
    const { session } = await p.load();
    expect(session?.checkpoint?.history.map((h) => h.step)).toEqual([8, 9, 10, 11, 12]);
    expect(trimHistory([point(1), point(2)], 1).map((h) => h.step)).toEqual([2]);
  });

  it('refuses a session written by a newer version, with a message', async () => {
    const { p, dbName } = fresh();
    await p.saveModel({ kind: 'demo' });
    const db = await openDB(dbName, 1);
    await db.put('session', { version: SESSION_VERSION + 1, savedAt: 1, scores: null, history: [], run: null }, 'checkpoint');
    db.close();
    const { session, refused } = await p.load();
    expect(session).toBeNull();
    expect(refused).toMatch(/newer version of the studio \(v2, this is v1\); starting a new session/);
    await p.clear();
    expect(await p.load()).toEqual({ session: null, refused: null });
  });

  it('migrates older records step by step, or refuses them when no migration exists', () => {
    const migrations = { 1: (r: Record<string, unknown>) => ({ ...r, history: r.points }), 2: (r: Record<string, unknown>) => ({ ...r, run: null }) };
    expect(migrateRecord('checkpoint', { version: 1, points: [1] }, migrations, 3)).toEqual({ version: 3, points: [1], history: [1], run: null });
    expect(() => migrateRecord('checkpoint', { version: 0 }, migrations, 3)).toThrow(SessionRefused);
    expect(() => migrateRecord('checkpoint', { version: 0 }, migrations, 3)).toThrow(/older version of the studio \(v0\) that cannot be migrated/);
    expect(() => migrateRecord('model', { ref: {} })).toThrow(/has no version/);
    expect(() => migrateRecord('model', 'junk')).toThrow(/unreadable/);
  });

  it('a reload in the middle of a write keeps the previous complete session (one transaction per save)', async () => {
    const { p, dbName } = fresh();
    await p.saveModel({ kind: 'demo' });
    await p.saveCheckpoint({ savedAt: 1, scores: scores(), history: [point(1)], run: null });
    // The page goes away after the first request of the next save has run (model written, checkpoint not yet deleted).
    const db = await (p as unknown as { open(): Promise<IDBPDatabase> }).open();
    const real = db.transaction.bind(db) as (...args: unknown[]) => IDBPTransaction<unknown, string[], 'readwrite'>;
    let requests = 0;
    (db as unknown as { transaction: unknown }).transaction = (...args: unknown[]) => {
      const tx = real(...args);
      tx.done.catch(() => {}); // the aborted write rejects; the save's own promise reports it
      const raw = (tx as unknown as { store: { put: (...a: unknown[]) => Promise<unknown> } }).store;
      const put = raw.put.bind(raw);
      raw.put = (...a: unknown[]) => put(...a).then((r) => { requests += 1; tx.abort(); return r; });
      return tx;
    };
    await expect(p.saveModel({ kind: 'files', name: 'new', files: [{ name: 'new/config.json', bytes: new ArrayBuffer(3) }] })).rejects.toThrow();
    expect(requests).toBe(1); // the write had started: one request had succeeded when the page went away
    const { session } = await new IdbPersistence({ dbName }).load();
    expect(session?.model?.ref).toEqual({ kind: 'demo' });
    expect(session?.checkpoint?.history.map((h) => h.step)).toEqual([1]);
    expect(session?.checkpoint?.scores?.blocks[0].hidden).toEqual(new Float32Array([0, 2]));
  });

  it('says when the storage quota is exceeded', () => {
    const quota = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    expect(isQuotaError(quota)).toBe(true);
    expect(storageErrorMessage(quota, 'trained scores')).toMatch(/storage is full/);
    expect(storageErrorMessage(new Error('boom'), 'model')).toMatch(/Could not save the model: boom/);
  });
});
