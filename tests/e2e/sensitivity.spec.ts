import { expect, test } from '@playwright/test';
import { WASM_ONLY, figure, fromStore, openStudio, setTraining, smallValidationSplit, trainProgress } from './studio';

// A CPU backend (WASM): a few score steps and seven small evaluations take seconds.
test.use({ launchOptions: WASM_ONLY });

test('per-layer sensitivity: compute it after a few score steps, apply the suggested overrides, MACs saved stays within 1%', async ({ page }) => {
  test.setTimeout(240_000);
  await openStudio(page, { backend: /WASM/ });
  await smallValidationSplit(page);
  await setTraining(page, 4, 16);
  await page.getByRole('button', { name: 'Train scores' }).click();
  await expect(trainProgress(page, 'done')).toBeVisible({ timeout: 120_000 });

  const macsBefore = await fromStore(page, (s) => s.preview?.macsSaved ?? NaN);
  const shownBefore = Number.parseFloat((await figure(page, 'MACs saved').textContent()) ?? '');
  expect(macsBefore).toBeGreaterThan(0.1);
  const sensitivity = page.getByTestId('sensitivity');
  await expect(sensitivity).toContainText('Sensitivity: agreement lost per block at the current setting');
  await expect(page.getByTestId('apply-sensitivity')).toBeDisabled(); // nothing to apply yet

  await page.getByTestId('compute-sensitivity').click();
  await expect(page.getByTestId('sensitivity-chart')).toHaveAttribute('data-blocks', '6', { timeout: 120_000 });
  await expect(page.getByTestId('sensitivity-chart').locator('.recharts-bar-rectangle').first()).toBeAttached();
  const suggestion = page.getByTestId('sensitivity-suggestion');
  await expect(suggestion).toContainText(/Suggested overrides \(\d+\.\d% of MACs saved; the setting saves \d+\.\d%\): block 0: [\d.]+%, .*block 5: [\d.]+%\./);
  await expect(page.getByTestId('sensitivity-stale')).toHaveCount(0);
  const report = await fromStore(page, (s) => ({ losses: s.sensitivity!.blocks.map((b) => b.agreementLost), rates: s.sensitivity!.suggestion!.blockRates }));
  // A block that lost more agreement is never given a higher rate.
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) if (report.losses[i] > report.losses[j]) expect(report.rates[i]).toBeLessThanOrEqual(report.rates[j]);

  // One click sets every block's override; the overrides list shows them and MACs saved stays within 1%.
  await page.getByTestId('apply-sensitivity').click();
  await expect(page.getByText('Per-layer overrides (6)')).toBeVisible();
  await page.getByText('Per-layer overrides (6)').click();
  for (let b = 0; b < 6; b++) {
    await expect(page.getByLabel(`Override block ${b}`)).toBeChecked();
    await expect(page.getByLabel(`Block ${b} override`)).toHaveAttribute('aria-valuetext', `${Math.round(report.rates[b] * 100)}% of block ${b}'s dims removed`);
  }
  const macsAfter = await fromStore(page, (s) => s.preview?.macsSaved ?? NaN);
  expect(Math.abs(macsAfter - macsBefore)).toBeLessThanOrEqual(0.01 * macsBefore);
  const shownAfter = Number.parseFloat((await figure(page, 'MACs saved').textContent()) ?? '');
  expect(Math.abs(shownAfter - shownBefore)).toBeLessThanOrEqual(0.01 * shownBefore + 0.05); // the figure has one decimal
  await expect(suggestion).toContainText('Applied.');
  await expect(page.getByTestId('apply-sensitivity')).toBeDisabled();

  // Another setting makes the result stale.
  await page.getByLabel('Override block 0').uncheck();
  await expect(page.getByTestId('sensitivity-stale')).toContainText('the prune settings changed');
});
