/**
 * People's own data: loose images without classes (label-free mode: distilled scores, agreement, download),
 * and class names the model does not know ("New head for these classes", train, prune, download, re-import).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import { WASM_ONLY, downloadPruned, fromStore, openStudio, setRateWithKeyboard, setTraining, trainProgress } from './studio';

/** A 28x28 grayscale PNG: brightness around `level` with a seeded pattern. */
function png(level: number, seed: number): Buffer {
  const image = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  const data = Buffer.alloc(28 * 28);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, level + ((i * (seed + 3)) % 41) - 20));
  image.data = data;
  return PNG.sync.write(image, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

test.use({ launchOptions: WASM_ONLY });

test('loose images without a class: label-free training, agreement instead of accuracy, prune and download', async ({ page }) => {
  test.setTimeout(180_000);
  const root = mkdtempSync(path.join(tmpdir(), 'vps-loose-'));
  const folder = path.join(root, 'holiday-shots');
  try {
    mkdirSync(folder);
    for (let i = 0; i < 16; i++) writeFileSync(path.join(folder, `shot-${i}.png`), png(30 + 12 * i, i));
    await openStudio(page, { backend: /WASM/ });
    await page.getByLabel('Upload image folder').setInputFiles(folder);
    await expect(page.getByTestId('label-free-note')).toContainText('unlabelled: 16 images, label-free mode', { timeout: 60_000 });
    await expect(page.getByRole('radio', { name: 'Match the original model' })).toBeChecked();
    await expect(page.getByRole('radio', { name: 'Labels', exact: true })).toBeDisabled();
    await expect(page.getByRole('radio', { name: /^Label-free/ })).toBeChecked(); // the Data panel's label mode is the same choice

    await setTraining(page, 4, 8);
    await page.getByRole('button', { name: 'Train scores' }).click();
    await expect(trainProgress(page, 'done')).toBeVisible({ timeout: 90_000 });

    await setRateWithKeyboard(page, 30);
    await expect(page.getByLabel('Accuracy', { exact: true })).toHaveText('no labels', { timeout: 60_000 });
    await expect(page.getByLabel('Agreement', { exact: true })).toHaveText(/^\d+(\.\d)?%$/, { timeout: 60_000 });

    const download = await downloadPruned(page);
    expect(download.suggestedFilename()).toMatch(/pruned30-safetensors\.zip$/);
    expect(await fromStore(page, (s) => s.dataset?.unlabelled === true)).toBe(true);
    // The download waits for no figure: the slim model's agreement is measured by the accuracy job after it.
    await expect.poll(() => fromStore(page, (s) => s.prunedAgreement), { timeout: 60_000 }).not.toBeNull();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('unknown class names: a new head for them, then train, prune, download, and the download re-imports with those classes', async ({ page }) => {
  test.setTimeout(240_000);
  const root = mkdtempSync(path.join(tmpdir(), 'vps-newhead-'));
  const folder = path.join(root, 'pets');
  try {
    for (const [c, cls] of ['cat', 'dog', 'emu'].entries()) {
      mkdirSync(path.join(folder, cls), { recursive: true });
      for (let i = 0; i < 8; i++) writeFileSync(path.join(folder, cls, `${i}.png`), png(40 + 80 * c, i));
    }
    await openStudio(page, { backend: /WASM/ });
    await page.getByLabel('Upload image folder').setInputFiles(folder);
    await expect(page.getByTestId('class-card')).toHaveCount(3, { timeout: 60_000 });
    await expect(page.getByTestId('class-map-status')).toContainText('Training and evaluation wait');
    await page.getByRole('radio', { name: /^New head for these classes/ }).check();
    await expect(page.getByTestId('class-map-status')).toContainText('fit the new head first');
    await expect(page.getByRole('button', { name: 'Train scores' })).toBeDisabled();

    await page.getByTestId('new-head-button').click();
    await expect(page.getByTestId('new-head-result')).toContainText('The model\'s head is new', { timeout: 90_000 });
    expect(await fromStore(page, (s) => s.model!.config.classNames)).toEqual(['cat', 'dog', 'emu']);
    await expect(page.getByTestId('class-map-status')).not.toContainText('wait'); // the classes now match the new head by name

    await setTraining(page, 4, 8);
    await page.getByRole('button', { name: 'Train scores' }).click();
    await expect(trainProgress(page, 'done')).toBeVisible({ timeout: 90_000 });
    await setRateWithKeyboard(page, 30);

    const download = await downloadPruned(page);
    const file = path.join(root, download.suggestedFilename());
    await download.saveAs(file);
    await page.getByLabel('Import checkpoint').setInputFiles(file);
    await expect(page.getByTestId('model-summary')).toContainText('slimmed', { timeout: 60_000 });
    const imported = await fromStore(page, (s) => ({ names: s.model!.config.classNames, head: s.model!.config.headOrigin?.source ?? null }));
    expect(imported).toEqual({ names: ['cat', 'dog', 'emu'], head: 'new' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
