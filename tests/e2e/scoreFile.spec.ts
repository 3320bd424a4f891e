import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readScoreFile, scoreFileBytes } from '../../src/io/scoreFile';
import { GATE_NAMES, gateLengths } from '../../src/model/gateLayout';
import type { VitConfig } from '../../src/model/vitConfig';
import type { ScoreSet } from '../../src/prune/scoreSet';
import { WASM_ONLY, fromStore, openStudio, setRateWithKeyboard, settledAccuracy, smallValidationSplit } from './studio';

// A CPU backend (WASM): the masked accuracy of the imported scores settles in seconds.
test.use({ launchOptions: WASM_ONLY });

/** Scores as a trainer elsewhere (vtp_torch.py train-scores) would write them: every gate of `cfg`, values in (0, 2). */
function scoresFor(cfg: VitConfig): ScoreSet {
  let k = 0;
  return {
    blocks: Array.from({ length: cfg.depth }, (_, i) => {
      const len = gateLengths(cfg, i);
      return Object.fromEntries(GATE_NAMES.map((g) => [g, Float32Array.from({ length: len[g] }, () => 1 + Math.sin(++k * 0.7))]));
    }) as unknown as ScoreSet['blocks'],
  };
}

/** Every value of a score set, block by block, gate by gate. */
const values = (s: ScoreSet) => s.blocks.flatMap((b) => GATE_NAMES.flatMap((g) => [...b[g]]));

test('a score file imported in the Scores panel drives the histograms, slider and accuracy, and downloads back unchanged', async ({ page }) => {
  test.setTimeout(180_000);
  await openStudio(page, { backend: /WASM/ });
  await smallValidationSplit(page);
  const cfg = await fromStore(page, (s) => s.model!.config);
  const scores = scoresFor(cfg);
  const dir = mkdtempSync(join(tmpdir(), 'vtp-e2e-scores-'));
  const good = join(dir, 'scores-from-pytorch.safetensors');
  writeFileSync(good, scoreFileBytes(scores, { trainer: 'vtp_torch.py train-scores' }));

  const panel = page.getByTestId('scores-panel');
  await panel.getByLabel('Import scores').setInputFiles(good);
  await expect(panel.getByTestId('scores-job')).toContainText(`imported scores-from-pytorch.safetensors: ${values(scores).length} scores of ${cfg.depth} blocks`);
  await expect(panel.getByTestId('score-histograms')).toBeVisible();
  await setRateWithKeyboard(page, 40);
  await settledAccuracy(page);
  expect(await fromStore(page, (s) => s.preview!.threshold)).toBeGreaterThan(0);

  // A file of another model is refused with the reason; the imported scores stay.
  const bad = scoresFor({ ...cfg, depth: cfg.depth + 1 });
  writeFileSync(join(dir, 'other.safetensors'), scoreFileBytes(bad));
  await panel.getByLabel('Import scores').setInputFiles(join(dir, 'other.safetensors'));
  await expect(panel.getByRole('alert')).toContainText(new RegExp(`other\\.safetensors has blocks\\.${cfg.depth}\\.gate\\.\\w+, which this model does not have`));

  const downloadPromise = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Download scores' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/-scores\.safetensors$/);
  const back = readScoreFile(new Uint8Array(readFileSync(await download.path())), cfg);
  expect(values(back)).toEqual(values(scores));
});
