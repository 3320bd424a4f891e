import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM, WEBGPU_ARGS } from './tests/e2e/browserArgs';

// E2E_PORT lets two checkouts run their browser tests side by side.
const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE_URL = `http://localhost:${PORT}`;

// The page is built by the "test:e2e" npm script (`vite build && playwright test`);
// Playwright only serves dist/ with `vite preview`.
export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  forbidOnly: true,
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 60_000,
  use: {
    ...devices['Desktop Chrome'],
    baseURL: BASE_URL,
    trace: 'off',
    launchOptions: { executablePath: CHROMIUM, args: [...WEBGPU_ARGS] },
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: BASE_URL,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
