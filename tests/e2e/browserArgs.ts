/** Chromium's launch options for the end-to-end tests (playwright.config.ts and the specs with a browser of their own). */

/** Debian's chromium; never `playwright install`. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags every test browser gets: no background traffic; no sandbox, as CI runs as root. */
export const QUIET_ARGS: readonly string[] = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--no-sandbox',
];

/** The default browser's flags: WebGPU enabled (SwiftShader on a machine without a GPU). */
export const WEBGPU_ARGS: readonly string[] = ['--enable-unsafe-webgpu', ...QUIET_ARGS];

/** Chromium as a new user starts it: no flags beyond the ones a test runner needs (WebGL on SwiftShader, no WebGPU). */
export const PLAIN_CHROMIUM = { executablePath: CHROMIUM, args: [...QUIET_ARGS] };

/**
 * Launch options that leave the engine no GPU at all (no WebGPU, no WebGL, not even SwiftShader), so
 * that it falls back to single-thread SIMD WASM, the fastest backend on this CPU-only machine
 * (DESIGN.md section 6). Specs that train or evaluate use it: `test.use({ launchOptions: WASM_ONLY })`.
 * The remaining specs run with playwright.config.ts's flags, on WebGPU through SwiftShader.
 */
export const WASM_ONLY = { executablePath: CHROMIUM, args: ['--disable-gpu', '--disable-software-rasterizer', ...QUIET_ARGS] };
