/**
 * The browser benchmark's own copy of the studio: built into bench/.dist-browser (git-ignored) and served
 * by `vite preview` on its own port (BROWSER.port, default 4180), so that it never touches the e2e suite's
 * dist/ and port 4173.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VITE = `${ROOT}node_modules/.bin/vite`;

/** Where the bundle is built. */
export const OUT_DIR = 'bench/.dist-browser';

/** Builds the studio into OUT_DIR (skipped with BENCH_NO_BUILD=1 when a build is there). */
export function buildStudio(): void {
  if (process.env.BENCH_NO_BUILD === '1') return;
  execFileSync(VITE, ['build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'error'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Resolves once `url` answers, or rejects after `timeoutMs`. */
async function waitForUrl(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the preview server did not answer at ${url} within ${timeoutMs} ms`);
}

/** Serves OUT_DIR on `port`; close() stops the server. */
export async function serveStudio(port: number): Promise<{ url: string; close: () => void }> {
  const server = spawn(VITE, ['preview', '--outDir', OUT_DIR, '--port', String(port), '--strictPort'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr?.on('data', (d) => { stderr += String(d); });
  const url = `http://localhost:${port}`;
  const exited = new Promise<never>((_, reject) => server.once('exit', (code) => reject(new Error(`vite preview exited (${code}): ${stderr.trim()}`))));
  try {
    await Promise.race([waitForUrl(url, 60_000), exited]);
  } catch (error) {
    server.kill();
    throw error;
  }
  exited.catch(() => {}); // stopping it later is expected
  return { url, close: () => { server.kill(); } };
}
