/** Markdown tables of the Node benchmarks (issue 6's tables 1, 2, 3 and 5). */
import type { stats } from './benchCommon';
import type { SpeedRow } from './engineSpeed';
import type { ScaleRow } from './scaleBench';

type Stats = ReturnType<typeof stats>;

const f1 = (x: number) => x.toFixed(1);
const mb = (bytes: number | null) => (bytes === null ? '–' : (bytes / 2 ** 20).toFixed(0));
const msRange = (s: Stats) => `${f1(s.medianMs)} (${f1(s.minMs)}–${f1(s.maxMs)})`;

/** A Markdown table from a header row and body rows. */
export function markdownTable(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/**
 * Table 1: latency of each slim model over the full model's (same architecture and batch), next to the MACs ratio:
 * the median of per-round ratios when the runs alternated (ratioToFirst), else the ratio of medians.
 */
export function slimTable(rows: SpeedRow[]): string {
  const full = (r: SpeedRow) => rows.find((f) => f.rate === 0 && f.batch === r.batch && f.arch === r.arch && f.model === 'full')!;
  return markdownTable(
    ['model', 'rate', 'batch', 'MACs ratio', 'latency ms (median, min–max)', 'latency ratio', 'latency ratio − MACs ratio'],
    rows.map((r) => {
      const macRatio = r.macs / full(r).macs;
      const ratio = r.ratioToFirst ?? r.medianMs / full(r).medianMs;
      return [r.arch ? `${r.arch}, ${r.model}` : r.model, r.rate, r.batch, macRatio.toFixed(2), msRange(r), ratio.toFixed(2), (ratio - macRatio).toFixed(2)];
    }),
  );
}

/** Table 2: tfjs latency over onnxruntime-web's on the studio's own ONNX export of the same model and batch. */
export function ortTable(rows: SpeedRow[]): string {
  return markdownTable(
    ['model', 'rate', 'batch', 'tfjs wasm ms', 'onnxruntime-web ms', 'tfjs / ort'],
    rows.filter((r) => r.ortMedianMs !== undefined)
      .map((r) => [r.model, r.rate, r.batch, f1(r.medianMs), f1(r.ortMedianMs!), (r.medianMs / r.ortMedianMs!).toFixed(2)]),
  );
}

/** Table 3: one score-training step of the demo model in tfjs wasm and in PyTorch. */
export function stepTable(batch: number, tfjs: Stats, torch: Stats | { skipped: string }): string {
  const row = (name: string, s: Stats, ratio: string) => [name, msRange(s), f1((batch * 1000) / s.medianMs), ratio];
  const body = [row('tfjs wasm (Node)', tfjs, 'skipped' in torch ? '–' : (tfjs.medianMs / torch.medianMs).toFixed(2))];
  if (!('skipped' in torch)) body.push(row('PyTorch (same CPU, 1 thread)', torch, '1.00'));
  const table = markdownTable(['engine', `ms per step, batch ${batch} (median, min–max)`, 'images/s', 'time / PyTorch'], body);
  return 'skipped' in torch ? `${table}\n\nPyTorch: ${torch.skipped}` : table;
}

/** Table 5: time and peak tfjs memory of one forward and one score step against model size, with ms per GMAC. */
export function scaleTable(rows: ScaleRow[]): string {
  const fb = rows.find((r) => r.forward)?.forward?.batch ?? 1;
  const sb = rows.find((r) => r.step)?.step?.batch ?? 1;
  const cell = (c: ScaleRow['forward'], gmacs: number) => (c ? [msRange(c), f1(c.medianMs / (gmacs * c.batch)), mb(c.peakBytes)] : ['–', '–', '–']);
  return markdownTable(
    ['model', 'params', 'GMACs / image', `forward ms, batch ${fb}`, 'forward ms / GMAC', 'forward peak MB',
      `step ms, batch ${sb}`, 'step ms / forward GMAC', 'step peak MB', 'weights MB', 'wasm heap MB', 'note'],
    rows.map((r) => {
      const gmacs = r.macs / 1e9;
      return [r.model, (r.params / 1e6).toFixed(2) + 'M', gmacs.toFixed(2), ...cell(r.forward, gmacs), ...cell(r.step, gmacs),
        mb(r.weightBytes), mb(r.wasmHeapBytes), r.error ?? ''];
    }),
  );
}
