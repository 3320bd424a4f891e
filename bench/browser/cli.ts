/**
 * `npm run bench:browser`: table 4 (slider and training in Chromium on WASM) and the DeiT-Base import alone.
 * Writes bench/results-browser.json and prints Markdown. Settings: bench/benchConfig.ts (BENCH_QUICK=1, ...).
 */
import { writeFileSync } from 'node:fs';
import { browserBench } from './browserBench';
import { browserMarkdown } from './browserTables';

const OUT = new URL('../results-browser.json', import.meta.url).pathname;

async function main(): Promise<void> {
  const results = await browserBench();
  writeFileSync(OUT, JSON.stringify({ date: new Date().toISOString(), ...results }, null, 2) + '\n');
  console.log(browserMarkdown(results));
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
