/** Markdown of the browser benchmark: table 4 (slider, training long tasks) and the DeiT-Base import. */
import type { stats } from '../benchCommon';
import { markdownTable } from '../markdown';
import type { BrowserResults } from './browserBench';
import type { DeitBaseResult } from './deitBaseImport';

const f1 = (x: number) => x.toFixed(1);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const s1 = (ms: number | null) => (ms === null ? '–' : (ms / 1000).toFixed(1));
const cells = (s: ReturnType<typeof stats>) => [f1(s.medianMs), `${f1(s.minMs)}–${f1(s.maxMs)}`];

/** Table 4 rows: slider timings and the longest main-thread task while training. */
function sliderTable(r: BrowserResults): string {
  const rows: string[][] = [];
  const s = r.slider;
  if (s) {
    rows.push(['rate change → cost figures in the DOM', ...cells(s.costDom), String(s.moves), '≤ 16 ms']);
    rows.push(['rate change → cost figures painted (frame after)', ...cells(s.costFrame), String(s.moves), '≤ 16 ms']);
    rows.push(['rate change → first partial accuracy (store)', ...cells(s.accuracyFirst), String(s.accuracyMoves), '–']);
    rows.push([`rate change → masked accuracy on ${s.accuracyImages} validation images (store)`, ...cells(s.accuracy), String(s.accuracyMoves), '≤ 1 s']);
    rows.push(['rate change → masked accuracy painted (frame after)', ...cells(s.accuracyFrame), String(s.accuracyMoves), '≤ 1 s']);
  }
  const t = r.train;
  if (t) {
    const longest = t.longTasksSupported ? `${f1(t.longestTaskMs)} (${t.longTasks} tasks over 50 ms)` : 'longtask entries unsupported';
    rows.push([`longest main-thread task during ${t.steps} training steps (batch ${t.batch})`, longest, '', '1', '≤ 50 ms']);
  }
  return markdownTable(['measure', 'ms (median)', 'min–max', 'runs', 'target'], rows);
}

/** The DeiT-Base import row. */
function deitBaseTable(d: DeitBaseResult): string {
  return markdownTable(
    ['params', 'model.safetensors MB', 'import → model summary s', 'import → predictions (one forward) s', 'tfjs tensors MB (max polled / end)',
      'renderer peak RSS MB', 'all Chromium peak RSS MB', 'result'],
    [[(d.params / 1e6).toFixed(1) + 'M', mb(d.fileBytes), s1(d.importMs), s1(d.forwardMs), `${mb(d.tfjsBytesMax)} / ${mb(d.tfjsBytesEnd)}`,
      mb(d.chromium.rendererHwmBytes), mb(d.chromium.totalRssBytes), d.error ?? 'ok']],
  );
}

/** Slim rows in the browser: per rate and batch, median ms of both models and the median per-round ratio. */
function slimSpeedTable(r: NonNullable<BrowserResults['slimSpeed']>): string {
  const rows = r.rows.flatMap(({ rate, info }) => info.points.map((p) => [String(rate), String(p.batch), info.macsRatio.toFixed(2),
    f1(p.fullMs), f1(p.slimMs), p.ratio.toFixed(2), (p.ratio - info.macsRatio).toFixed(2)]));
  return markdownTable(['rate', 'batch', 'MACs ratio', 'full ms (median)', 'slim ms (median)', 'latency ratio', 'latency ratio − MACs ratio'], rows);
}

/** All Markdown of the browser benchmark; `label` prefixes the headings (e.g. "4. "). */
export function browserMarkdown(r: BrowserResults, label = ''): string {
  const parts = [`### ${label}Slider and training in the browser (Chromium ${r.chromium}, WASM, demo model and sample)\n\n${sliderTable(r)}`];
  if (r.train) parts.push(`Training ran ${r.train.steps} steps at batch ${r.train.batch} in ${s1(r.train.wallMs)} s (${f1(r.train.imagesPerSecond)} images/s); a batch below the studio's default 64, so that progress events (and their main-thread work) come more often.`);
  if (r.slimSpeed) {
    const runs = r.slimSpeed.rows[0]?.info.runs ?? 0;
    parts.push(`### ${label}Slim demo model in the browser (Chromium ${r.chromium}, WASM, the studio's "Measure speed": ${runs} alternating runs after 2 warm-ups; scores ${r.slimSpeed.scores})\n\n${slimSpeedTable(r.slimSpeed)}`);
  }
  if (r.deitBase) parts.push(`### ${label}DeiT-Base-sized checkpoint (random weights, timm folder) imported in the browser on WASM\n\n${deitBaseTable(r.deitBase)}`);
  if (r.errors.length > 0) parts.push(`Not measured: ${r.errors.join('; ')}`);
  return parts.join('\n\n') + '\n';
}
