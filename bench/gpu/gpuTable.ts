/** The Markdown table comparing the two GPU benchmark halves: images/s of tfjs-webgpu and PyTorch per cell, and their ratio. */
import { markdownTable } from '../markdown';
import type { GpuCell, GpuResult } from './gpuResult';

const NAMES: Record<string, string> = { tiny: 'DeiT-Tiny', small: 'DeiT-Small', base: 'DeiT-Base' };
const key = (c: GpuCell) => `${c.model}/${c.kind}/${c.batch}`;
/** Whole numbers from 100, one decimal from 1, two significant digits below (software adapters are that slow). */
const figure = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toPrecision(2));
const rate = (c: GpuCell | undefined) => (c?.imagesPerSec === undefined ? '–' : figure(c.imagesPerSec));

/** Two decimals, or two significant digits below 0.1. */
const ratioText = (r: number) => (r >= 0.1 ? r.toFixed(2) : r.toPrecision(2));

/** A note under the table for each software adapter or failed cell, so no figure stands without its caveat. */
function notes(tfjs: GpuResult, torch: GpuResult): string[] {
  const out: string[] = [];
  for (const r of [tfjs, torch]) {
    if (r.software) out.push(`${r.engine} ran on a software adapter (${r.device}): its figures say nothing about the GPU.`);
    for (const c of r.cells) if (c.error) out.push(`${r.engine}, ${NAMES[c.model] ?? c.model} ${c.kind} batch ${c.batch}: ${c.error}`);
  }
  return out;
}

/**
 * Rows in the tfjs file's order (then cells only PyTorch has): model, measurement, images/s of each engine and
 * tfjs ÷ PyTorch throughput (1.00 = as fast; below 1 = tfjs slower). Devices named above the table.
 */
export function gpuRatioTable(tfjs: GpuResult, torch: GpuResult): string {
  const torchByKey = new Map(torch.cells.map((c) => [key(c), c]));
  const tfjsKeys = new Set(tfjs.cells.map(key));
  const pairs: [GpuCell | undefined, GpuCell | undefined, GpuCell][] = [
    ...tfjs.cells.map((c): [GpuCell, GpuCell | undefined, GpuCell] => [c, torchByKey.get(key(c)), c]),
    ...torch.cells.filter((c) => !tfjsKeys.has(key(c))).map((c): [undefined, GpuCell, GpuCell] => [undefined, c, c]),
  ];
  const table = markdownTable(
    ['model', 'measurement', `${tfjs.engine} images/s`, `${torch.engine} images/s`, 'tfjs ÷ PyTorch'],
    pairs.map(([a, b, c]) => {
      const ratio = a?.imagesPerSec !== undefined && b?.imagesPerSec !== undefined ? ratioText(a.imagesPerSec / b.imagesPerSec) : '–';
      const what = c.kind === 'forward' ? `forward, batch ${c.batch}` : `score step, batch ${c.batch}`;
      return [NAMES[c.model] ?? c.model, what, rate(a), rate(b), ratio];
    }),
  );
  const head = `tfjs: ${tfjs.device}. PyTorch: ${torch.device}.`;
  const foot = notes(tfjs, torch);
  return [head, '', table, ...(foot.length ? ['', ...foot.map((n) => `- ${n}`)] : [])].join('\n');
}
