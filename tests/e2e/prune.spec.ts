import { expect, test } from '@playwright/test';
import { WASM_ONLY, cspViolations, downloadPruned, figure, fromStore, openStudio, setRateWithKeyboard, settledAccuracy, smallValidationSplit, studioReady, watchCsp } from './studio';
import { savedPruneSettings } from './savedSession';

// A CPU backend (WASM): fast enough to evaluate the masked model in seconds.
test.use({ launchOptions: WASM_ONLY });

test('moving the prune-rate slider updates params and MACs saved at once, then the masked accuracy', async ({ page }) => {
  test.setTimeout(180_000);
  await watchCsp(page);
  await openStudio(page, { backend: /WASM/ });
  // The model panel shows the demo model's normalisation, given by its checkpoint (not assumed).
  await expect(page.getByTestId('normalisation')).toContainText('mean 0.286 · std 0.353');
  await expect(page.getByTestId('normalisation-assumed')).toHaveCount(0);
  await smallValidationSplit(page);

  await setRateWithKeyboard(page, 10);
  await settledAccuracy(page);
  const params10 = await figure(page, 'Params saved').textContent();
  const macs10 = await figure(page, 'MACs saved').textContent();

  const slider = page.getByRole('slider', { name: 'Prune rate' });
  for (let i = 0; i < 40; i++) await slider.press('ArrowRight');
  await expect(slider).toHaveAttribute('aria-valuetext', /^50%/);
  // Cost figures follow the slider right away (computed on the main thread, no worker round trip).
  await expect(figure(page, 'Params saved')).not.toHaveText(params10 ?? '', { timeout: 1_000 });
  await expect(figure(page, 'MACs saved')).not.toHaveText(macs10 ?? '', { timeout: 1_000 });
  const params50 = Number.parseFloat((await figure(page, 'Params saved').textContent()) ?? '');
  const macs50 = Number.parseFloat((await figure(page, 'MACs saved').textContent()) ?? '');
  expect(params50).toBeGreaterThan(Number.parseFloat(params10 ?? ''));
  expect(macs50).toBeGreaterThan(Number.parseFloat(macs10 ?? ''));

  // Then the accuracy of the hard-masked model for the new rate arrives (latest wins).
  await expect(figure(page, 'Accuracy')).not.toHaveAttribute('aria-busy', 'true', { timeout: 60_000 });
  await expect(figure(page, 'Accuracy')).toHaveText(/^\d+\.\d%$/);
  await expect(page.getByTestId('prune-figures')).toContainText(/\d validation images, 95% CI \d+\.\d–\d+\.\d%/);

  // The kept dims per layer follow the rate too.
  await expect(page.getByTestId('layer-overview')).toContainText('Block');

  // No scores trained yet: the VTP criterion says it ranks by weight magnitude, and the sweep has no VTP curve.
  await expect(page.getByTestId('ranking-fallback')).toContainText('ranked by weight magnitude');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', '10', { timeout: 120_000 });
  await expect(page.getByTestId('sweep-no-vtp')).toBeVisible();
  // The tooltip of a point names its images and 95% interval (recharts draws it with inline styles).
  await page.locator('.recharts-scatter-symbol').first().hover();
  await expect(page.locator('.recharts-tooltip-wrapper')).toContainText(/images, 95% CI/);

  // Charts, bars and the slider fill render under style-src 'self' (no 'unsafe-inline'): no CSP violation.
  expect(await cspViolations(page)).toEqual([]);
});

test('the slider can be a MACs budget: at 50% the figure reads at least 50.0% at once, and the download report agrees', async ({ page }) => {
  test.setTimeout(180_000);
  await openStudio(page, { backend: /WASM/ });
  await smallValidationSplit(page);
  await expect(page.getByLabel('Remove whole heads')).toBeDisabled(); // a rate counts dims, not heads
  await page.getByLabel('Slider unit').selectOption('macs');
  const slider = page.getByRole('slider', { name: 'Target: MACs saved' });
  await expect(slider).toBeEnabled({ timeout: 30_000 });
  await slider.focus();
  await slider.press('Home');
  await expect(slider).toHaveAttribute('aria-valuetext', '0% of MACs saved');
  for (let i = 0; i < 50; i++) await slider.press('ArrowRight');
  await expect(slider).toHaveAttribute('aria-valuetext', '50% of MACs saved');
  // The cost figure follows in the same render (main thread, no worker round trip).
  await expect(figure(page, 'MACs saved')).toHaveText(/^5\d\.\d%$/, { timeout: 1_000 });
  const shown = Number.parseFloat((await figure(page, 'MACs saved').textContent()) ?? '');
  expect(shown).toBeGreaterThanOrEqual(50.0);
  expect(shown).toBeLessThan(51.0);

  // The unit is kept with the other prune settings.
  expect(await fromStore(page, (s) => s.prune.unit)).toBe('macs');
  // Whole heads may compete with single dims under a budget; the target still holds.
  await page.getByLabel('Remove whole heads').check();
  await expect(figure(page, 'MACs saved')).toHaveText(/^5\d\.\d%$/, { timeout: 1_000 });
  expect(Number.parseFloat((await figure(page, 'MACs saved').textContent()) ?? '')).toBeGreaterThanOrEqual(50.0);
  // And whole sublayers (attention, MLP) too: the target still holds.
  await page.getByLabel('Remove whole sublayers').check();
  await expect(figure(page, 'MACs saved')).toHaveText(/^5\d\.\d%$/, { timeout: 1_000 });
  expect(Number.parseFloat((await figure(page, 'MACs saved').textContent()) ?? '')).toBeGreaterThanOrEqual(50.0);

  await page.getByRole('radio', { name: /safetensors/i }).check();
  const download = await downloadPruned(page);
  const { readFileSync } = await import('node:fs');
  const { unzipSync, strFromU8 } = await import('fflate');
  const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const reportName = Object.keys(files).find((n) => n.endsWith('report.json'));
  expect(reportName, Object.keys(files).join(', ')).toBeTruthy();
  const report = JSON.parse(strFromU8(files[reportName!]));
  const pruning = report.pruning ?? report;
  expect(pruning.settings.unit).toBe('macs');
  expect(pruning.settings.heads).toBe(true);
  expect(pruning.settings.sublayers).toBe(true);
  expect(pruning.settings.rate).toBe(0.5);
  expect(pruning.preview.macsSaved).toBeGreaterThanOrEqual(0.5);
  expect(`${(100 * pruning.preview.macsSaved).toFixed(1)}%`).toBe(await figure(page, 'MACs saved').textContent());
  expect(1 - pruning.pruned.macs / pruning.model.macs).toBeCloseTo(pruning.preview.macsSaved, 9);

  // The unit and the heads choice are saved with the other prune settings and come back after a reload.
  await expect.poll(() => savedPruneSettings(page), { timeout: 10_000 }).toMatchObject({ rate: 0.5, unit: 'macs', heads: true, sublayers: true });
  await page.reload();
  await studioReady(page, { backend: /WASM/ });
  await expect(page.getByLabel('Slider unit')).toHaveValue('macs');
  await expect(page.getByRole('slider', { name: 'Target: MACs saved' })).toHaveValue('50');
  await expect(page.getByLabel('Remove whole heads')).toBeChecked();
  await expect(page.getByLabel('Remove whole sublayers')).toBeChecked();
});
