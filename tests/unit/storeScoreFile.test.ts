/**
 * "Import scores" / "Download scores" through the store and an in-process engine: a score file (as
 * `vtp_torch.py train-scores` or `vtp scores` writes it) is checked against the model before it replaces
 * the scores; it then drives the preview, the masked accuracy and the slim model like trained scores,
 * and downloads back unchanged.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStudioStore } from '../../src/store/createStudioStore';
import { IdbPersistence } from '../../src/store/persistence';
import { computePreview } from '../../src/store/preview';
import { readScoreFile, scoreFileBytes } from '../../src/io/scoreFile';
import { writeSafetensors } from '../../src/io/safetensors';
import { seededRandom } from '../../src/model/vitInit';
import { gateLengths, GATE_NAMES } from '../../src/model/gateLayout';
import type { VitConfig } from '../../src/model/vitConfig';
import type { ScoreSet } from '../../src/prune/scoreSet';
import type { ExportedFile } from '../../src/worker/engineApi';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, InProcessClient } from './workerTestFixtures';

beforeAll(useCpuBackend);

/** Random scores in [0, 2) for every gate of `cfg`. */
function randomScores(cfg: VitConfig, seed: number): ScoreSet {
  const rand = seededRandom(seed);
  return {
    blocks: Array.from({ length: cfg.depth }, (_, i) => {
      const len = gateLengths(cfg, i);
      return Object.fromEntries(GATE_NAMES.map((g) => [g, Float32Array.from({ length: len[g] }, () => 2 * rand())]));
    }) as unknown as ScoreSet['blocks'],
  };
}

const fileOf = (bytes: Uint8Array, name = 'scores.safetensors') => new File([bytes.slice().buffer as ArrayBuffer], name);

let db = 0;
async function startedStore() {
  const downloads: ExportedFile[] = [];
  const store = createStudioStore({
    client: new InProcessClient(), persistence: new IdbPersistence({ dbName: `score-file-${++db}` }), baseUrl: BASE_URL,
    download: (f) => downloads.push(f), accuracyLimit: 32, checkpointIntervalMs: 50,
  });
  await store.getState().start();
  return { store, downloads, cfg: store.getState().model!.config };
}

describe('score files in the studio', () => {
  it('imports a score file: the scores, preview, masked accuracy and slim model follow it; it downloads back unchanged', async () => {
    const { store, downloads, cfg } = await startedStore();
    const scores = randomScores(cfg, 3);
    await store.getState().importScores(fileOf(scoreFileBytes(scores, { trainer: 'vtp_torch.py train-scores' })));
    const s = store.getState();
    expect(s.scoresJob.status, s.scoresJob.message).toBe('done');
    expect(s.scores!.blocks.map((b) => GATE_NAMES.map((g) => [...b[g]]))).toEqual(scores.blocks.map((b) => GATE_NAMES.map((g) => [...b[g]])));
    store.getState().setPrune({ rate: 0.5 });
    expect(store.getState().preview).toEqual(computePreview(s.model, scores, store.getState().prune));
    await store.getState().applyPrune();
    expect(store.getState().pruned).not.toBeNull();
    expect(store.getState().prunedAccuracy).not.toBeNull();
    await store.getState().downloadScores();
    expect(downloads).toHaveLength(1);
    const back = readScoreFile(new Uint8Array(downloads[0].bytes), cfg);
    expect(back.blocks.map((b) => GATE_NAMES.map((g) => [...b[g]]))).toEqual(scores.blocks.map((b) => GATE_NAMES.map((g) => [...b[g]])));
  });

  it('refuses wrong gates, wrong lengths, non-finite values and other files with the reason, keeping the scores', async () => {
    const { store, cfg } = await startedStore();
    const good = randomScores(cfg, 4);
    await store.getState().importScores(fileOf(scoreFileBytes(good)));
    const before = store.getState().scores;
    const len = gateLengths(cfg, 0);
    const tensors = (patch: (m: Map<string, { shape: number[]; data: Float32Array }>) => void) => {
      const m = new Map<string, { shape: number[]; data: Float32Array }>();
      good.blocks.forEach((b, i) => { for (const g of GATE_NAMES) m.set(`blocks.${i}.gate.${g}`, { shape: [b[g].length], data: b[g].slice() }); });
      patch(m);
      return writeSafetensors(m);
    };
    const cases: [Uint8Array, RegExp][] = [
      [tensors((m) => m.delete('blocks.1.gate.fc1')), /has no blocks\.1\.gate\.fc1/],
      [tensors((m) => m.set('blocks.0.gate.qkv', { shape: [len.qkv + 1], data: new Float32Array(len.qkv + 1) })), new RegExp(`blocks\\.0\\.gate\\.qkv has shape \\[${len.qkv + 1}\\], the model has ${len.qkv}`)],
      [tensors((m) => m.get('blocks.0.gate.hidden')!.data.fill(Number.NaN, 3, 4)), /blocks\.0\.gate\.hidden\[3\] is NaN/],
      [tensors((m) => m.set(`blocks.${cfg.depth}.gate.qkv`, { shape: [1], data: new Float32Array(1) })), new RegExp(`blocks\\.${cfg.depth}\\.gate\\.qkv, which this model does not have`)],
      [new TextEncoder().encode('not a safetensors file at all'), /scores\.safetensors/],
    ];
    for (const [bytes, why] of cases) {
      await store.getState().importScores(fileOf(bytes));
      expect(store.getState().scoresJob.status).toBe('error');
      expect(store.getState().scoresJob.message).toMatch(why);
      expect(store.getState().scores).toBe(before);
    }
  });
});
