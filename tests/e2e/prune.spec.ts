import { expect, test } from '@playwright/test';
import { WASM_ONLY, cspViolations, figure, openStudio, setRateWithKeyboard, settledAccuracy, smallValidationSplit, watchCsp } from './studio';

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
