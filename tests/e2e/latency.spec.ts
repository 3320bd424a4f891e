import { expect, test } from '@playwright/test';
import { WASM_ONLY, figure, fromStore, openStudio, studioReady } from './studio';
import { savedPruneSettings } from './savedSession';

// The studio's own backend (WASM here): the table is timed on it, as a user's would be on theirs.
test.use({ launchOptions: WASM_ONLY });

test('the slider can be a latency budget: a table measured here, the figure at least the target at once, kept across a reload', async ({ page }) => {
  test.setTimeout(180_000);
  await openStudio(page, { backend: /WASM/ });
  await page.getByLabel('Slider unit').selectOption('latency'); // no table yet: it is measured, then the unit follows
  const slider = page.getByRole('slider', { name: 'Target: latency saved' });
  await expect(slider).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('latency-table')).toContainText('measured here on wasm at batch 1');
  await slider.focus();
  await slider.press('Home');
  // 15%: within reach of any table a loaded machine measures (the demo model saves ~50% at batch 1 when quiet).
  for (let i = 0; i < 15; i++) await slider.press('ArrowRight');
  await expect(slider).toHaveAttribute('aria-valuetext', '15% of latency saved');
  // Predicted on the main thread from the table, in the same render as the slider move.
  await expect(figure(page, 'Latency saved')).toHaveText(/^1[5-9]\.\d%$/, { timeout: 1_000 });
  const shown = Number.parseFloat((await figure(page, 'Latency saved').textContent()) ?? '');
  expect(shown).toBeGreaterThanOrEqual(15.0);
  expect(shown).toBeLessThan(16.0);

  // The unit and the table are saved with the other prune settings and come back after a reload.
  await expect.poll(() => savedPruneSettings(page), { timeout: 10_000 }).toMatchObject({ rate: 0.15, unit: 'latency' });
  await page.reload();
  await studioReady(page, { backend: /WASM/ });
  expect(await fromStore(page, (s) => s.prune.unit)).toBe('latency');
  await expect(page.getByRole('slider', { name: 'Target: latency saved' })).toHaveAttribute('aria-valuetext', '15% of latency saved');

  // Measured again at another batch size: the table and the figure say so.
  await page.getByLabel('Batch', { exact: true }).selectOption('8');
  await page.getByRole('button', { name: 'Measure again' }).click();
  await expect(page.getByTestId('latency-table')).toContainText('measured here on wasm at batch 8', { timeout: 90_000 });
  await expect(page.locator('.figure', { has: page.getByTestId('latency-saved') })).toContainText('predicted per batch of 8 on wasm');
});
