import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM, WEBGPU_ARGS } from './browserArgs';
import { LOAD_TIMEOUT, openStudio } from './studio';

// playwright.config.ts enables WebGPU (SwiftShader here); `?backend=` forces one backend (never measured).

// A browser of its own: the GPU process the earlier specs shared may still be compiling or running the WebGPU work
// of their backend measurements (SwiftShader does it on the CPU), and a forced WebGPU then found no usable adapter.
test.use({ launchOptions: { executablePath: CHROMIUM, args: [...WEBGPU_ARGS] } });
// One retry: SwiftShader's WebGPU adapter is a shared, software one; a run that could not start it says why above.
test.describe.configure({ retries: 1 });

/** Trains two score steps (batch 4, seed 0, scores only) through the store and returns every score, flattened. */
async function trainedScores(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    type Store = { getState(): { setTrainSettings(p: object): void; startTraining(): Promise<void>; trainJob: { status: string; message: string }; scores: { blocks: Record<string, Float32Array>[] } | null } };
    const store = (globalThis as unknown as { __vtpStudio: { store: Store } }).__vtpStudio.store;
    store.getState().setTrainSettings({ steps: 2, batchSize: 4, lr: 1e-2, l1: 1e-4, trainWeights: false, seed: 0 });
    await store.getState().startTraining();
    const s = store.getState();
    if (s.trainJob.status !== 'done') throw new Error(`training ended ${s.trainJob.status}: ${s.trainJob.message}`);
    const scores = await (globalThis as unknown as { __vtpStudio: { scores(): Promise<{ blocks: Record<string, Float32Array>[] } | null> } }).__vtpStudio.scores();
    if (!scores) throw new Error('no scores after training');
    return scores.blocks.flatMap((b) => ['qkv', 'attn', 'fc1', 'hidden'].flatMap((g) => Array.from(b[g])));
  });
}

test('2 score steps on WebGPU (SwiftShader) and on WASM give the same scores within 1e-3', async ({ page }) => {
  test.setTimeout(900_000); // SwiftShader compiles every WebGPU shader on the CPU: 6–9 min here
  await openStudio(page, { query: '?backend=webgpu&evalLimit=50', backend: /WebGPU/ });
  const gpu = await trainedScores(page);
  console.log(`WebGPU losses: ${JSON.stringify(await page.evaluate(() => (globalThis as unknown as { __vtpStudio: { store: { getState(): { trainHistory: { loss: number }[] } } } }).__vtpStudio.store.getState().trainHistory.map((h) => h.loss)))}`);
  await page.evaluate(() => (globalThis as unknown as { __vtpStudio: { store: { getState(): { newSession(): Promise<void> } } } }).__vtpStudio.store.getState().newSession());
  await openStudio(page, { query: '?backend=wasm&evalLimit=50', backend: /WASM/ });
  await expect(page.getByTestId('backend-badge')).toHaveText('Backend: WASM', { timeout: LOAD_TIMEOUT });
  const wasm = await trainedScores(page);
  expect(gpu.length).toBe(wasm.length);
  let worst = 0;
  let moved = 0;
  for (let i = 0; i < gpu.length; i++) {
    worst = Math.max(worst, Math.abs(gpu[i] - wasm[i]));
    moved = Math.max(moved, Math.abs(wasm[i] - 1));
  }
  console.log(`${gpu.length} scores: max |WebGPU - WASM| = ${worst.toExponential(2)}; largest move from 1 = ${moved.toFixed(4)}`);
  const off = gpu.map((g, i) => [i, g, wasm[i]]).filter(([, g, w]) => Math.abs(g - w) > 1e-3);
  console.log(`${off.length} differ by > 1e-3: ${JSON.stringify(off.slice(0, 6))}`);
  console.log(`losses: ${JSON.stringify(await page.evaluate(() => (globalThis as unknown as { __vtpStudio: { store: { getState(): { trainHistory: { loss: number }[] } } } }).__vtpStudio.store.getState().trainHistory.map((h) => h.loss)))}`);
  expect(moved).toBeGreaterThan(1e-3); // the steps did change the scores
  expect(worst).toBeLessThan(1e-3);
});
