import { expect, test, type Page } from '@playwright/test';
import {
  WASM_ONLY, openStudio, setRateWithKeyboard, setTraining, settledAccuracy, smallValidationSplit, trainProgress,
} from './studio';

// Rewrites the README's screenshots in docs/: only on request (`SCREENSHOTS=1 npx playwright test
// tests/e2e/screenshots.spec.ts`), never in CI. WASM backend: a short training run takes seconds.
test.use({ launchOptions: WASM_ONLY, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, colorScheme: 'light' });
test.skip(process.env.SCREENSHOTS !== '1', 'screenshots are made only with SCREENSHOTS=1');

/**
 * Scrolls the panel of `area` (e.g. "train") to the top of the viewport, or the page to its top when
 * `area` is null, and saves the viewport as docs/studio-<name>.png. A panel taller than the 800 px screen
 * (the prune panel with its sweep chart) is shot whole: the viewport grows to fit it for that shot.
 */
async function shoot(page: Page, area: string | null, name: string): Promise<void> {
  const screen = { width: 1280, height: 800 };
  if (area === null) await page.evaluate(() => window.scrollTo(0, 0));
  else {
    const height = await page.locator(`.area-${area}`).evaluate((el) => el.getBoundingClientRect().height);
    expect(height, `the ${area} panel has a size`).toBeGreaterThan(100);
    await page.setViewportSize({ width: screen.width, height: Math.max(screen.height, Math.ceil(height) + 16) });
    await page.locator(`.area-${area}`).evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 8));
  }
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.mouse.move(0, 0);
  await page.waitForTimeout(400); // charts animate in
  await page.screenshot({ path: `docs/studio-${name}.png`, animations: 'disabled' });
  await page.setViewportSize(screen);
}

test('screenshots of the studio at 1280×800', async ({ page }) => {
  test.setTimeout(240_000);
  await openStudio(page, { backend: /WASM/ });
  await smallValidationSplit(page);
  await expect(page.getByTestId('predictions')).toContainText(/correct/, { timeout: 60_000 });
  await shoot(page, null, 'model-data');

  await setTraining(page, 40, 16);
  await page.getByRole('button', { name: 'Train scores' }).click();
  await expect(trainProgress(page, 'done')).toBeVisible({ timeout: 180_000 });
  await setRateWithKeyboard(page, 40);
  await settledAccuracy(page);
  await shoot(page, 'train', 'train');
  await shoot(page, 'scores', 'scores');

  await page.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByTestId('sweep-chart')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole('button', { name: 'Run sweep' })).toBeVisible({ timeout: 120_000 });
  await settledAccuracy(page);
  await shoot(page, 'prune', 'prune');
});
