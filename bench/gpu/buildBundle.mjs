/**
 * Builds bench/.gpu-bundle/gpu-bench.tar.gz: everything the tfjs half of the GPU benchmark needs on a machine with
 * no Node and no network (the device machine): the bench and the table printer bundled by esbuild (one .mjs each), Dawn's dawn.node, this
 * machine's Node binary, the Vulkan loader, and glibc/libstdc++ from here as a fallback for an older system.
 * bench/gpu/device.sh unpacks and runs it. Linux x64 only.
 *
 *   node bench/gpu/buildBundle.mjs
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'bench/.gpu-bundle');
const STAGE = join(OUT, 'gpu-bench');
const LIBDIR = '/usr/lib/x86_64-linux-gnu';
/** Fallback runtime: the loader and the libraries node and dawn.node link against (ldd), from this Debian 12. */
const GLIBC = ['ld-linux-x86-64.so.2', 'libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'libstdc++.so.6', 'libgcc_s.so.1'];

/** Copies `from` (links resolved) to `to`, making its folder. */
function put(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(realpathSync(from), to);
}

async function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('the bundle is for linux-x64 only');
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(STAGE, { recursive: true });
  for (const [entry, out] of [['gpuBench.ts', 'gpu-bench.mjs'], ['gpuCombine.ts', 'gpu-combine.mjs']]) {
    await build({
      entryPoints: [join(ROOT, 'bench/gpu', entry)], outfile: join(STAGE, out), bundle: true, platform: 'node',
      format: 'esm', target: 'node20', external: ['webgpu'], logLevel: 'warning',
      // CommonJS packages inside an ES module bundle still call require().
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
  }
  const wg = join(ROOT, 'node_modules/webgpu');
  for (const f of ['package.json', 'index.js', 'dist/linux-x64/dawn.node']) put(join(wg, f), join(STAGE, 'node_modules/webgpu', f));
  put(process.execPath, join(STAGE, 'bin/node'));
  if (!existsSync(join(LIBDIR, 'libvulkan.so.1'))) throw new Error('no Vulkan loader here: apt-get install libvulkan1');
  put(join(LIBDIR, 'libvulkan.so.1'), join(STAGE, 'lib/libvulkan.so.1'));
  for (const f of GLIBC) put(join(f.startsWith('ld-') ? '/lib64' : LIBDIR, f), join(STAGE, 'lib-glibc', f));
  writeFileSync(join(STAGE, 'VERSION'), `node ${process.version}\nbuilt ${new Date().toISOString()}\n`);
  execFileSync('tar', ['-czf', join(OUT, 'gpu-bench.tar.gz'), '-C', OUT, 'gpu-bench']);
  rmSync(STAGE, { recursive: true, force: true });
  const mib = statSync(join(OUT, 'gpu-bench.tar.gz')).size / 2 ** 20;
  console.log(`bench/.gpu-bundle/gpu-bench.tar.gz: ${mib.toFixed(1)} MiB (the device run carries at most 64 MiB)`);
  if (mib > 63) throw new Error(`bundle is ${mib.toFixed(1)} MiB, over the 64 MiB carry limit`);
}

main().catch((err) => { console.error(`buildBundle: error: ${err.message}`); process.exitCode = 1; });
