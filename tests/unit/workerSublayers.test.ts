/** The studio's engine with whole sublayers: masked accuracy, prune, export and re-load of a model with a dropped block. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PruneSettings, ScoreSnapshot } from '../../src/worker/engineApi';
import { prunePreview } from '../../src/prune/prunePreview';
import { GATE_NAMES } from '../../src/model/gateLayout';
import { unzipSync } from 'fflate';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, testEngine } from './workerTestFixtures';

beforeAll(useCpuBackend);

const SETTINGS: PruneSettings = { rate: 0.75, criterion: 'vtp', fold: true, roundTo: 1, blockRates: {}, sublayers: true };

describe('engine: whole sublayers', () => {
  it('prunes as previewed (a dropped block, a removed MLP), evaluates, exports, and loads the export back', async () => {
    const engine = testEngine();
    await engine.api.init();
    const model = await engine.api.loadDemoModel(BASE_URL);
    await engine.api.loadSampleDataset(BASE_URL);
    const cfg = model.config;
    expect(cfg.depth).toBe(2);
    // Scores that make block 1 dispensable (both sublayers) and block 0's MLP the next weakest unit.
    const scores: ScoreSnapshot = { blocks: model.magnitude!.blocks.map((b, i) => Object.fromEntries(GATE_NAMES.map((g) =>
      [g, b[g].map((_, j) => (i === 1 && (g === 'attn' || g === 'hidden') ? 1e-3 : i === 0 && g === 'hidden' ? 2e-3 : 1 + (j % 5) / 10))])) as unknown as ScoreSnapshot['blocks'][number]) };
    await engine.api.setScores(scores);
    const preview = prunePreview(cfg, scores, SETTINGS);
    expect(preview.blocks[1]).toMatchObject({ heads: [], hidden: 0 });
    expect(preview.blocks[0].hidden).toBe(0);
    const masked = await engine.api.maskedAccuracy(SETTINGS, 32);
    const slim = await engine.api.prune(SETTINGS);
    expect(slim.config.depth).toBe(1);
    expect(slim.config.droppedBlocks).toEqual([1]);
    expect(slim.macs).toBe(preview.macs);
    const acc = await engine.api.evaluate('pruned', 32);
    expect(acc.accuracy).toBeCloseTo(masked.accuracy, 9); // the slim model is the masked one
    const file = await engine.api.exportModel('safetensors', { note: 'test' });
    const files = unzipSync(new Uint8Array(file.bytes));
    const names = Object.keys(files);
    const pick = (end: string) => files[names.find((n) => n.endsWith(end))!];
    expect(new TextDecoder().decode(pick('README.md'))).toMatch(/Blocks dropped .*: 1\./);
    const back = await engine.api.loadModel([{ name: 'config.json', bytes: pick('config.json').slice().buffer }, { name: 'model.safetensors', bytes: pick('model.safetensors').slice().buffer }], 'slim');
    expect(back.config.droppedBlocks).toEqual([1]);
    expect(back.magnitude!.blocks[0].hidden).toHaveLength(0);
    expect(back.macs).toBe(slim.macs);
  });
});
