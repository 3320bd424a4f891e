/**
 * Prints the Markdown ratio table of the GPU benchmark from its two result files.
 *
 *   npx tsx bench/gpu/gpuCombine.ts tfjs.json torch.json
 */
import { readFileSync } from 'node:fs';
import { parseGpuResult } from './gpuResult';
import { gpuRatioTable } from './gpuTable';

function main(): void {
  const [tfjsPath, torchPath] = process.argv.slice(2);
  if (!tfjsPath || !torchPath) throw new Error('usage: tsx bench/gpu/gpuCombine.ts <tfjs.json> <torch.json>');
  const read = (p: string) => parseGpuResult(readFileSync(p, 'utf8'), p);
  process.stdout.write(gpuRatioTable(read(tfjsPath), read(torchPath)) + '\n');
}

try { main(); } catch (err) { console.error(`bench:gpu: error: ${(err as Error).message}`); process.exitCode = 1; }
