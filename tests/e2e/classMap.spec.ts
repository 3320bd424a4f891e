import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { readSampleDataset } from '../../src/data/sampleDataset';
import { WASM_ONLY, openStudio, studioReady } from './studio';

// A CPU backend (WASM): fast enough to decode the upload and evaluate quickly.
test.use({ launchOptions: WASM_ONLY });

const SAMPLE = readSampleDataset(new Uint8Array(readFileSync(path.resolve('public/data/fmnist-sample.safetensors'))), { shape: [1, 28, 28] }).train;

/** Sample image `index` as a 28x28 grayscale PNG. */
function samplePng(index: number): Buffer {
  const image = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  image.data = Buffer.from(SAMPLE.pixels.subarray(index * 784, (index + 1) * 784));
  return PNG.sync.write(image, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/** A folder `root/data` with one subfolder per entry, holding 8 sample images of the given sample class. */
function folderOf(root: string, classes: [folder: string, sampleClass: number][]): string {
  const dataset = path.join(root, 'data');
  for (const [folder, label] of classes) {
    mkdirSync(path.join(dataset, folder), { recursive: true });
    const indices = [...SAMPLE.labels.keys()].filter((i) => SAMPLE.labels[i] === label).slice(0, 8);
    indices.forEach((idx, k) => writeFileSync(path.join(dataset, folder, `${k}.png`), samplePng(idx)));
  }
  return dataset;
}

/** Uploads a folder and waits for its class mapping. */
async function upload(page: Page, dataset: string, rows: number): Promise<void> {
  await page.getByLabel('Upload image folder').setInputFiles(dataset);
  await expect(page.getByTestId('class-map-row')).toHaveCount(rows, { timeout: 60_000 });
}

const trainButton = (page: Page) => page.getByRole('button', { name: 'Train scores' });

test('a folder whose names need normalising is matched by name and the mapping shows it', async ({ page }) => {
  test.setTimeout(120_000);
  const root = mkdtempSync(path.join(tmpdir(), 'vps-classmap-'));
  try {
    await openStudio(page, { backend: /WASM/ });
    await upload(page, folderOf(root, [['T-shirt_top', 0], ['Ankle_boot', 9]]), 2);
    await expect(page.getByLabel('Model class for T-shirt_top').locator('option:checked')).toHaveText('T-shirt/top');
    await expect(page.getByLabel('Model class for Ankle_boot').locator('option:checked')).toHaveText('Ankle boot');
    await expect(page.getByTestId('class-map-row').filter({ hasText: 'by name' })).toHaveCount(2);
    await expect(page.getByTestId('class-map-status')).toContainText('All 2 dataset classes are mapped');
    await expect(trainButton(page)).toBeEnabled();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('unknown class names are flagged and block training until mapped; the mapping survives a reload', async ({ page }) => {
  test.setTimeout(150_000);
  const root = mkdtempSync(path.join(tmpdir(), 'vps-classmap-'));
  try {
    await openStudio(page, { backend: /WASM/ });
    await upload(page, folderOf(root, [['cat', 1], ['dog', 7]]), 2);
    await expect(page.getByTestId('class-map-row').filter({ hasText: 'unmatched' })).toHaveCount(2);
    await expect(trainButton(page)).toBeDisabled();
    await expect(page.getByTestId('train-blocked')).toContainText('cat, dog');

    await page.getByLabel('Model class for cat').selectOption({ label: 'Trouser' });
    await expect(page.getByTestId('class-map-row').filter({ hasText: 'unmatched' })).toHaveCount(1);
    await expect(trainButton(page)).toBeDisabled();
    await page.getByLabel('Model class for dog').selectOption({ label: 'Sneaker' });
    await expect(page.getByTestId('class-map-row').filter({ hasText: 'unmatched' })).toHaveCount(0);
    await expect(trainButton(page)).toBeEnabled();
    await expect(page.getByTestId('class-map-status')).toContainText('All 2 dataset classes are mapped');

    await page.waitForTimeout(1_000); // the settings are saved a moment after the last change
    await page.reload();
    await studioReady(page, { backend: /WASM/ });
    await expect(page.getByTestId('class-map-row')).toHaveCount(2, { timeout: 60_000 });
    await expect(page.getByLabel('Model class for cat').locator('option:checked')).toHaveText('Trouser', { timeout: 30_000 });
    await expect(page.getByLabel('Model class for dog').locator('option:checked')).toHaveText('Sneaker');
    await expect(trainButton(page)).toBeEnabled();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
