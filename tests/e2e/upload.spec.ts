import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import { WASM_ONLY, openStudio } from './studio';

const EVIL = '<img src=x onerror=alert(1)>';

/** A 28x28 grayscale PNG with a simple pattern. */
function png(seed: number): Buffer {
  const image = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  const data = Buffer.alloc(28 * 28);
  for (let i = 0; i < data.length; i++) data[i] = (i * (seed + 3) + seed * 17) % 256;
  image.data = data;
  return PNG.sync.write(image, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

// A CPU backend (WASM): fast enough to decode and evaluate the upload quickly.
test.use({ launchOptions: WASM_ONLY });

test('an uploaded class folder named like HTML is shown as text, and a broken file is listed as skipped', async ({ page }) => {
  test.setTimeout(90_000);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });

  const root = mkdtempSync(path.join(tmpdir(), 'vps-upload-'));
  const dataset = path.join(root, 'my-dataset');
  try {
    for (const [cls, n] of [[EVIL, 6], ['sneakers', 6]] as const) {
      mkdirSync(path.join(dataset, cls), { recursive: true });
      for (let i = 0; i < n; i++) writeFileSync(path.join(dataset, cls, `${i}.png`), png(i + cls.length));
    }
    writeFileSync(path.join(dataset, 'sneakers', 'broken.png'), Buffer.from('this is not a png'));

    await openStudio(page, { backend: /WASM/ });
    await page.getByLabel('Upload image folder').setInputFiles(dataset);

    const cards = page.getByTestId('class-card');
    await expect(cards).toHaveCount(2, { timeout: 60_000 });
    // The name is rendered as text, character for character.
    await expect(page.getByTestId('dataset')).toContainText(EVIL);
    await expect(page.locator('.class-name', { hasText: EVIL })).toHaveText(EVIL);
    // The broken file is listed with a reason.
    await expect(page.getByTestId('skipped-files')).toContainText('broken.png');

    // Nothing was injected: the only images are the studio's own thumbnails (data: URLs it drew
    // itself), nothing carries an event-handler attribute, and no dialog fired.
    const imageSources = await page.locator('img').evaluateAll((imgs) => imgs.map((img) => img.getAttribute('src') ?? ''));
    expect(imageSources.length).toBeGreaterThan(0);
    expect(imageSources.filter((src) => !src.startsWith('data:image/bmp;base64,'))).toEqual([]);
    expect(await page.evaluate(() => document.querySelectorAll('[onerror], [onload], img[src="x"]').length)).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
