import { expect, test } from '@playwright/test';
import { LOAD_TIMEOUT, openStudio } from './studio';

test('the demo model and sample load: params, MACs, backend, predictions; every request stays on the page origin', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const failed: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('requestfailed', (request) => failed.push(`${request.url()} (${request.failure()?.errorText ?? 'failed'})`));
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.url()} (HTTP ${response.status()})`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));

  await openStudio(page);
  await expect(page).toHaveTitle('ViT Pruning Studio');

  // Model: demo architecture and its costs (DESIGN.md section 2: 1.20M params, 62.9M MACs).
  const summary = page.getByTestId('model-summary');
  await expect(summary).toContainText('fmnist');
  await expect(page.getByTestId('model-params')).toHaveText('1.2M');
  await expect(page.getByTestId('model-macs')).toHaveText('62.9M');
  // playwright.config.ts enables WebGPU, on SwiftShader here: measured slower than WASM, so WASM is chosen
  // (backendChoice.spec.ts; WebGPU itself is covered by backendAgreement.spec.ts).
  await expect(page.getByTestId('backend-badge')).toHaveText('Backend: WASM', { timeout: LOAD_TIMEOUT });

  // Predictions on the first images, most of them right for a 90% model.
  const predictions = page.getByTestId('prediction');
  await expect(predictions.first()).toBeVisible({ timeout: LOAD_TIMEOUT });
  expect(await predictions.count()).toBeGreaterThan(0);
  await expect(page.getByTestId('predictions')).toContainText(/\d+\/\d+ correct/);

  // Data: the Fashion-MNIST sample with thumbnails and per-class counts.
  await expect(page.getByTestId('class-card')).toHaveCount(10);
  await expect(page.getByTestId('class-card').first()).toContainText(/\d+ train · \d+ val/);
  expect(await page.locator('img.thumb').count()).toBeGreaterThan(10);
  await expect(page.locator('img.thumb').first()).toHaveAttribute('src', /^data:image\/bmp;base64,/);
  // The thumbnail decodes: its natural size is the model's input size.
  await expect.poll(() => page.locator('img.thumb').first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(28);

  // Prune figures are there at once (rate from the store's default).
  await expect(page.getByLabel('Params saved', { exact: true })).toHaveText(/%$/);

  await page.waitForLoadState('networkidle');
  const origin = new URL(page.url()).origin;
  expect(origin).toBe(new URL(baseURL ?? page.url()).origin);
  const foreign = requests.filter(
    (url) => !(url.startsWith(`${origin}/`) || url === origin || url.startsWith('data:') || url.startsWith('blob:')),
  );
  expect(foreign, `requests outside ${origin}`).toEqual([]);
  expect(requests.length).toBeGreaterThan(0);
  expect(failed, 'failed requests').toEqual([]);
  expect(consoleErrors, 'console errors (CSP violations show up here)').toEqual([]);

  // The Content-Security-Policy is in force: an injected inline script does not run.
  const inlineRan = await page.evaluate(async () => {
    const w = window as unknown as { __inlineRan?: boolean };
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true;';
    document.head.append(script);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return w.__inlineRan === true;
  });
  expect(inlineRan, 'inline scripts must be blocked by the CSP').toBe(false);

  // Inline style elements are blocked too (style-src 'self'): the injected rule does not apply.
  const inlineStyled = await page.evaluate(async () => {
    const style = document.createElement('style');
    style.textContent = 'h1 { outline: 7px solid rgb(1, 2, 3) !important; }';
    document.head.append(style);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return getComputedStyle(document.querySelector('h1')!).outlineWidth === '7px';
  });
  expect(inlineStyled, 'inline <style> must be blocked by the CSP').toBe(false);
});
