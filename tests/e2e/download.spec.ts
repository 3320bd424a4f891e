import { expect, test } from '@playwright/test';
import { WASM_ONLY, downloadPruned, openStudio, setRateWithKeyboard, smallValidationSplit } from './studio';

// A CPU backend (WASM): fast enough to prune, evaluate and export in seconds.
test.use({ launchOptions: WASM_ONLY });

test('"Download pruned model" saves one file named after the model, the rate and the format', async ({ page }) => {
  test.setTimeout(120_000);
  await openStudio(page, { backend: /WASM/ });
  await smallValidationSplit(page);
  await setRateWithKeyboard(page, 30);
  await page.getByRole('radio', { name: /ONNX/ }).check();

  const download = await downloadPruned(page);
  const name = download.suggestedFilename();
  console.log(`downloaded ${name}`);
  expect(name).toContain('30');
  expect(name.toLowerCase()).toContain('onnx');
  const path = await download.path();
  expect(path).toBeTruthy();
  const { statSync } = await import('node:fs');
  expect(statSync(path).size).toBeGreaterThan(100_000);
});
