import { createHash } from 'node:crypto';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * index.html carries a strict Content-Security-Policy (script-src 'self').
 * The production build emits no inline scripts, but the dev server injects an
 * inline module script (the React Fast Refresh preamble). In `vite serve` only,
 * add the sha256 hash of every inline <script> to script-src so the dev page
 * runs under the same policy otherwise; the built page is left untouched.
 */
function devCspInlineScriptHashes(): Plugin {
  return {
    name: 'vps:dev-csp-inline-script-hashes',
    apply: 'serve',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const hashes = new Set<string>();
        for (const m of html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
          const body = m[1] ?? '';
          if (body.trim() === '') continue;
          hashes.add(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
        }
        if (hashes.size === 0) return html;
        return html.replace(
          /(<meta\s+http-equiv="Content-Security-Policy"\s+content="[^"]*?script-src\s[^;"]*)/i,
          (head: string) => `${head} ${[...hashes].join(' ')}`,
        );
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), devCspInlineScriptHashes()],
  worker: {
    format: 'es',
  },
  build: {
    target: 'es2022',
    // tfjs-backend-wasm binaries are imported with `?url`
    // (e.g. '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url')
    // and must be emitted as files next to the bundle, never inlined as data: URLs.
    assetsInlineLimit: (file: string) => (file.endsWith('.wasm') ? false : undefined),
  },
  preview: {
    port: 4173,
    strictPort: true,
  },
  server: {
    port: 5173,
  },
});
