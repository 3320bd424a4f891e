import { expect, test, type Page } from '@playwright/test';
import { WASM_ONLY, figure, openStudio, settledAccuracy } from './studio';

test.use({ launchOptions: WASM_ONLY });

/** Sets the rate through the store (what the slider calls) and resolves with ms until the first figure for it. */
async function msToFirstFigure(page: Page, rate: number): Promise<{ ms: number; n: number; gridRate: number | null }> {
  return page.evaluate((target) => new Promise((resolve) => {
    type M = { settings: { rate: number }; n: number; gridRate?: number } | null;
    const store = (globalThis as unknown as { __vtpStudio: { store: { getState(): { setPrune(p: { rate: number }): void }; subscribe(f: (s: { maskedAccuracy: M }) => void): () => void } } }).__vtpStudio.store;
    const t0 = performance.now();
    const unsubscribe = store.subscribe((s) => {
      const m = s.maskedAccuracy;
      if (m && Math.abs(m.settings.rate - target) < 1e-9) {
        unsubscribe();
        resolve({ ms: performance.now() - t0, n: m.n, gridRate: m.gridRate ?? null });
      }
    });
    store.getState().setPrune({ rate: target });
  }), rate);
}

test('a slider move shows a first estimate with its 95% interval within 1 s; near a grid point the grid answers at once', async ({ page }) => {
  test.setTimeout(240_000);
  await openStudio(page, { backend: /WASM/ });
  await settledAccuracy(page);

  // Off the grid (0.43 is 2 points from 0.45): the first batch's estimate, with an interval, within a second.
  const first = await msToFirstFigure(page, 0.43);
  console.log(`first estimate after ${first.ms.toFixed(0)} ms on ${first.n} images`);
  expect(first.gridRate).toBeNull();
  expect(first.ms).toBeLessThan(1000);
  await expect(page.getByTestId('accuracy-estimate')).toContainText(/± \d+(\.\d)? \(95%\)/);
  await settledAccuracy(page);
  await expect(page.getByTestId('accuracy-estimate')).toContainText(/± \d+(\.\d)? \(95%\), masked model/);

  // Idle: the grid fills in the background (0%, 5%, …); a move next to 5% shows the grid's figure at once.
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __vtpStudio: { store: { runtime: { grid: { points: Map<number, unknown> } } } } })
    .__vtpStudio.store.runtime.grid.points.has(0.05)), { timeout: 120_000 }).toBe(true);
  const near = await msToFirstFigure(page, 0.06);
  console.log(`grid figure after ${near.ms.toFixed(0)} ms`);
  expect(near.gridRate).toBe(0.05);
  expect(near.ms).toBeLessThan(100);
  await expect(page.getByTestId('accuracy-estimate')).toContainText('from the grid at 5%');
  await expect(figure(page, 'Accuracy')).toHaveText(/^\d+(\.\d)?%$/);
  // The exact figure for 6% replaces it once measured.
  await expect(page.getByTestId('accuracy-estimate')).toContainText(/masked model, [\d,]+ validation images/, { timeout: 60_000 });
});
