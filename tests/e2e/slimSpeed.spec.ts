import { expect, test } from '@playwright/test';
import { WASM_ONLY, openStudio, settledAccuracy } from './studio';

test.use({ launchOptions: WASM_ONLY });

test('"Measure speed on this machine" slims the model, times slim against full on WASM with progress, and shows the ratios', async ({ page }) => {
  test.setTimeout(180_000);
  await openStudio(page, { backend: /WASM/, query: '?backend=wasm&evalLimit=200&speedBatches=1,8' });
  await settledAccuracy(page);
  const button = page.getByRole('button', { name: 'Measure speed on this machine' });
  await button.scrollIntoViewIfNeeded();
  await button.click();
  await expect(page.getByRole('progressbar', { name: 'Speed measurement' })).toBeVisible();
  await expect(page.getByTestId('speed-job')).toContainText(/timed passes|timing the slim and the full model/);
  const table = page.getByTestId('slim-speed');
  await expect(table).toBeVisible({ timeout: 120_000 });
  await expect(table).toContainText(/Slim against full model on wasm, 7 alternating runs each; if time followed MACs it would be 0\.\d\d×/);
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(2);
  for (const [i, batch] of ['1', '8'].entries()) {
    const cells = await rows.nth(i).locator('td').allTextContents();
    expect(cells[0]).toBe(batch);
    expect(Number(cells[1])).toBeGreaterThan(0);
    expect(Number(cells[2])).toBeGreaterThan(0);
    expect(cells[3]).toMatch(/^\d+\.\d\d×$/);
  }
  // The slim model it measured is the one the panel shows (slimmed at the slider's rate first).
  await expect(page.getByTestId('slim-macs')).toHaveText(/\d/);
});
