/**
 * The studio's "Learn a gate per sublayer" setting: store -> worker typed call -> trainScores. The trained scores carry
 * a gate per sublayer in the store and the engine, and the setting and the gates survive a reload (session and checkpoint).
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStudioStore } from '../../src/store/createStudioStore';
import { IdbPersistence } from '../../src/store/persistence';
import { DEFAULT_TRAIN_SETTINGS } from '../../src/store/storeContext';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, InProcessClient } from './workerTestFixtures';
import { scoresHash } from '../../src/store/slimProvenance';
import type { ScoreSnapshot } from '../../src/worker/engineApi';

beforeAll(useCpuBackend);

/** A store over an in-process engine and a fake IndexedDB database named `dbName`. */
function makeStore(dbName: string) {
  const client = new InProcessClient();
  const store = createStudioStore({ client, persistence: new IdbPersistence({ dbName }), baseUrl: BASE_URL, download: () => {}, accuracyLimit: 16, checkpointIntervalMs: 50 });
  return { store, client };
}

describe('studio: learned sublayer gates', () => {
  it('is off by default; when on, training learns one gate per sublayer, kept across a reload', async () => {
    expect(DEFAULT_TRAIN_SETTINGS.sublayerGates).toBe(false);
    const first = makeStore('sublayer-gates-1');
    await first.store.getState().start();
    first.store.getState().setTrainSettings({ steps: 3, batchSize: 8, lr: 0.05, l1: 1e-3, sublayerGates: true });
    await first.store.getState().startTraining();
    const trained = first.store.getState();
    expect(trained.trainJob.status).toBe('done');
    const gates = trained.scores!.blocks.map((b) => b.sublayer);
    expect(gates).toHaveLength(trained.model!.config.depth);
    for (const g of gates) expect(Object.keys(g ?? {}).sort()).toEqual(['attn', 'mlp']);
    expect(first.client.engine.session.scores!.blocks.map((b) => b.sublayer)).toEqual(gates);
    expect(gates.some((g) => Math.abs(g!.attn! - 1) > 1e-4)).toBe(true); // they trained

    const reload = makeStore('sublayer-gates-1');
    await reload.store.getState().start();
    expect(reload.store.getState().trainSettings.sublayerGates).toBe(true);
    expect(reload.store.getState().scores!.blocks.map((b) => b.sublayer)).toEqual(gates);
    expect(reload.client.engine.session.scores!.blocks.map((b) => b.sublayer)).toEqual(gates);
  });

  it('without the setting the scores have no sublayer gates', async () => {
    const { store } = makeStore('sublayer-gates-2');
    await store.getState().start();
    store.getState().setTrainSettings({ steps: 2, batchSize: 8, lr: 0.05, l1: 1e-3 });
    await store.getState().startTraining();
    expect(store.getState().scores!.blocks.every((b) => b.sublayer === undefined)).toBe(true);
  });

  it('a change of a learned sublayer gate alone makes a slim model stale (the scores hash sees it)', () => {
    const block = { qkv: Float32Array.of(1, 2), attn: Float32Array.of(3), fc1: Float32Array.of(4), hidden: Float32Array.of(5) };
    const plain: ScoreSnapshot = { blocks: [block] };
    const a: ScoreSnapshot = { blocks: [{ ...block, sublayer: { attn: 1, mlp: 0.5 } }] };
    const b: ScoreSnapshot = { blocks: [{ ...block, sublayer: { attn: 1, mlp: 0.25 } }] };
    expect(scoresHash(a)).not.toBe(scoresHash(b));
    expect(scoresHash(a)).not.toBe(scoresHash(plain));
    expect(scoresHash({ blocks: [{ ...block, sublayer: {} }] })).toBe(scoresHash(plain)); // no gates: the hash of before
  });
});
