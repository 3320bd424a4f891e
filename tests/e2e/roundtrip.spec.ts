import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { WASM_ONLY, downloadPruned, figure, fromStore, openStudio, setRateWithKeyboard, smallValidationSplit } from './studio';

// A CPU backend (WASM): pruning, exporting and importing take seconds.
test.use({ launchOptions: WASM_ONLY });

test('the downloaded pruned model (safetensors + config.json) imports back as the slim model; a broken file is refused', async ({ page }) => {
  test.setTimeout(120_000);
  const work = mkdtempSync(path.join(tmpdir(), 'vps-roundtrip-'));
  try {
    await openStudio(page, { backend: /WASM/ });
    await smallValidationSplit(page);
    const importInput = page.getByLabel('Import checkpoint');

    // A file that only looks like a download is refused with a message naming it; the model stays.
    await importInput.setInputFiles({ name: 'broken-safetensors.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
    await expect(page.getByTestId('model-job')).toContainText('broken-safetensors.zip is not a zip archive', { timeout: 30_000 });
    await expect(page.getByTestId('model-params')).toHaveText('1.2M');

    await setRateWithKeyboard(page, 30);
    const full = await fromStore(page, (s) => ({ params: s.model!.params, slim: s.preview!.params, saved: s.preview!.paramsSaved }));
    const savedText = (await figure(page, 'Params saved').textContent()) ?? '';
    expect(Number.parseFloat(savedText)).toBeCloseTo(full.saved * 100, 1);
    await expect(page.getByRole('radio', { name: /safetensors/i })).toBeChecked();

    const download = await downloadPruned(page);
    expect(download.suggestedFilename()).toBe('fmnist-vit-s-pruned30-safetensors.zip');
    const file = path.join(work, download.suggestedFilename());
    await download.saveAs(file);

    // Import exactly what was downloaded.
    await importInput.setInputFiles(file);
    const summary = page.getByTestId('model-summary');
    await expect(summary).toContainText('fmnist-vit-s-pruned30', { timeout: 60_000 });
    await expect(summary).toContainText('slimmed');
    await expect(summary).toContainText('pruned by this studio');
    // The slim model has exactly the params the slider's "Params saved" figure promised.
    await expect(summary).toContainText(`${full.slim.toLocaleString('en-US')} parameters`);
    const imported = await fromStore(page, (s) => s.model!.params);
    expect(imported).toBe(full.slim);
    expect(imported).toBeLessThan(full.params);
    expect(1 - imported / full.params).toBeCloseTo(full.saved, 6);
    // It runs: predictions on the validation images come back from the slim model.
    await expect(page.getByTestId('predictions')).toContainText(/\d+\/\d+ correct/, { timeout: 60_000 });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
