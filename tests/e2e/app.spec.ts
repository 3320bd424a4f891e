import { expect, test } from '@playwright/test';

test('the page loads, shows its title and status, and stays on its own origin', async ({ page, baseURL }) => {
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

  await page.goto('/');

  await expect(page).toHaveTitle('ViT Pruning Studio');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ViT Pruning Studio');
  // The status line is rendered by React, so this also proves the bundle ran under the CSP.
  await expect(page.getByTestId('status')).toContainText('Ready');

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
});
