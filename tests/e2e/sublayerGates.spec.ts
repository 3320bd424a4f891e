import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { readScoreFile } from '../../src/io/scoreFile';
import { WASM_ONLY, fromStore, openStudio, setTraining, studioReady, trainProgress } from './studio';

test.use({ launchOptions: WASM_ONLY });

test('"Learn a gate per sublayer": off by default; on, training learns a gate per sublayer, the download has them and the setting survives a reload', async ({ page }) => {
  test.setTimeout(180_000);
  await openStudio(page, { backend: /WASM/ });
  const checkbox = page.getByLabel('Learn a gate per sublayer');
  await expect(checkbox).not.toBeChecked();
  await checkbox.check();
  await setTraining(page, 3, 8);
  await page.getByRole('button', { name: 'Train scores' }).click();
  await expect(trainProgress(page, 'done')).toBeVisible({ timeout: 120_000 });

  const cfg = await fromStore(page, (s) => s.model!.config);
  const downloadPromise = page.waitForEvent('download');
  await page.getByTestId('scores-panel').getByRole('button', { name: 'Download scores' }).click();
  const back = readScoreFile(new Uint8Array(readFileSync(await (await downloadPromise).path())), cfg);
  expect(back.blocks.map((b) => Object.keys(b.sublayer ?? {}))).toEqual(Array.from({ length: cfg.depth }, () => ['attn', 'mlp']));
  // The Scores panel lists them: one row per block, the values in the file.
  const rows = page.getByTestId('sublayer-gates').locator('tbody tr');
  await expect(rows).toHaveCount(cfg.depth);
  await expect(rows.nth(0).locator('td').nth(1)).toHaveText(back.blocks[0].sublayer!.attn!.toFixed(3));

  await page.reload();
  await studioReady(page, { backend: /WASM/ });
  await expect(page.getByLabel('Learn a gate per sublayer')).toBeChecked();
});
