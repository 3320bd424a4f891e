import { chromium, expect, test, type Page } from '@playwright/test';
import { PLAIN_CHROMIUM } from './browserArgs';
import { LOAD_TIMEOUT, openStudio } from './studio';


/** Opens the badge's details and checks that WASM was measured and chosen. */
async function expectMeasuredWasm(page: Page): Promise<void> {
  await openStudio(page);
  await expect(page.getByTestId('backend-badge')).toHaveText('Backend: WASM', { timeout: LOAD_TIMEOUT });
  await page.getByTestId('backend-badge').click();
  const details = page.getByTestId('backend-details');
  await expect(details).toBeVisible();
  await expect(details).toContainText(/Fastest measured/, { timeout: LOAD_TIMEOUT });
  const text = await page.getByTestId('backend-timings').innerText();
  console.log(text);
  expect(text).toMatch(/^WASM\t\d+(\.\d)? ms\t/m); // a measured forward time
}

test.describe('with --enable-unsafe-webgpu (WebGPU on SwiftShader)', () => {
  test('the studio measures the backends and ends up on WASM, with the figures in the badge', async ({ page }) => {
    test.setTimeout(120_000);
    await expectMeasuredWasm(page);
    await expect(page.getByTestId('backend-timings')).toContainText(/WebGPU/);
  });
});

test.describe('plain Chromium (WebGL on SwiftShader)', () => {
  test('the studio measures the backends and ends up on WASM; an override is remembered across a reload', async ({ baseURL }) => {
    test.setTimeout(120_000);
    const browser = await chromium.launch(PLAIN_CHROMIUM);
    const page = await (await browser.newContext({ baseURL })).newPage();
    await expectMeasuredWasm(page);
    await expect(page.getByTestId('backend-timings')).toContainText(/WebGL/);
    await page.getByLabel('Backend to use').selectOption('cpu');
    await expect(page.getByTestId('backend-badge')).toHaveText('Backend: CPU', { timeout: LOAD_TIMEOUT });
    await page.reload();
    await expect(page.getByTestId('backend-badge')).toHaveText('Backend: CPU', { timeout: LOAD_TIMEOUT });
    await page.getByTestId('backend-badge').click();
    await page.getByLabel('Backend to use').selectOption('auto');
    await expect(page.getByTestId('backend-badge')).toHaveText('Backend: WASM', { timeout: LOAD_TIMEOUT });
    await browser.close();
  });
});
