/**
 * A latency-table entry from timed cuts of one block: the block, each gate (and half the heads) cut to half, the
 * two gates of each shared product cut together, and each sublayer removed. The entry's model (latencyTable.ts) is
 * exact for a block whose time is bilinear in its widths, as its matmuls are; measured noise is capped so that
 * removing more never predicts more time.
 */
import { GATE_NAMES, type GateName } from '../model/gateLayout';
import { hasAttention, hasMlp, withoutAttention, withoutMlp, type BlockDims, type VitConfig } from '../model/vitConfig';
import { blockWidths, dimsSavedMs, type BlockLatency, type BlockWidths } from './latencyTable';

/** A gate of the block, or its heads. */
type ProbeGate = GateName | 'heads';

/** The cuts timed per block shape, in order: none, each gate and the heads halved, each shared product's two gates halved together. */
const PROBE_CUTS: readonly (readonly ProbeGate[])[] = [[], ['qkv'], ['attn'], ['fc1'], ['hidden'], ['heads'], ['qkv', 'attn'], ['qkv', 'heads'], ['fc1', 'hidden']];

/** About half of `n`, odd where it can be (so not a multiple of a SIMD width, as a pruned width rarely is), in [1, n]. */
function roughHalf(n: number): number {
  const h = Math.ceil(n / 2);
  return h % 2 === 0 && h + 1 < n ? h + 1 : h;
}

/** `dims` with about half of `gate`'s dims removed (attn: of every head's value dims); 'heads': half the heads. */
function halved(cfg: VitConfig, dims: BlockDims, gate: ProbeGate): BlockDims {
  const keepHalf = (map: number[] | null) => {
    const all = map ?? Array.from({ length: cfg.embedDim }, (_, i) => i);
    return all.slice(all.length - roughHalf(all.length));
  };
  if (gate === 'qkv') return { ...dims, qkvIn: keepHalf(dims.qkvIn) };
  if (gate === 'fc1') return { ...dims, fc1In: keepHalf(dims.fc1In) };
  if (gate === 'hidden') return { ...dims, hidden: roughHalf(dims.hidden) };
  if (gate === 'attn') return { ...dims, valueWidths: dims.valueWidths.map(roughHalf) };
  const keep = Math.ceil(dims.heads.length / 2);
  return { ...dims, heads: dims.heads.slice(0, keep), valueWidths: dims.valueWidths.slice(0, keep) };
}

/** The block shapes to time for `dims`: PROBE_CUTS, then without attention, then without MLP (a sublayer it lacks: an empty block, 0 ms). */
export function probeShapes(cfg: VitConfig, dims: BlockDims): BlockDims[] {
  const empty = withoutMlp(withoutAttention(dims));
  const cuts = PROBE_CUTS.map((gates) => gates.reduce((d, g) => halved(cfg, d, g), dims));
  return [...cuts, hasAttention(dims) ? withoutAttention(dims) : empty, hasMlp(dims) ? withoutMlp(dims) : empty];
}

/** A timed cut of the block: its widths and the ms it saved against the whole block. */
interface TimedCut { w: BlockWidths; saved: number }

/** The table entry of block `dims` from the ms of each of probeShapes(cfg, dims) (each term >= 0). */
export function blockLatencyFromTimes(cfg: VitConfig, dims: BlockDims, times: number[]): BlockLatency {
  const shapes = probeShapes(cfg, dims);
  if (times.length !== shapes.length) throw new RangeError(`a block is fitted from ${shapes.length} times, got ${times.length}`);
  const widthsOf = (d: BlockDims): BlockWidths => blockWidths({ ...cfg, depth: 1, blocks: [d] }, 0);
  const w = widthsOf(dims), ms = times[0];
  const cut = (...gates: ProbeGate[]): TimedCut => {
    const i = PROBE_CUTS.findIndex((c) => c.join() === gates.join());
    return { w: widthsOf(shapes[i]), saved: ms - times[i] };
  };
  const { heads, ...widths } = w;
  const t: Omit<BlockLatency, 'perSublayer'> = { ms, perDim: { qkv: 0, attn: 0, fc1: 0, hidden: 0 }, perHead: 0, widths, heads, perPair: { qkvAttn: 0, qkvHeads: 0, fc1Hidden: 0 } };
  for (const g of GATE_NAMES) {
    const c = cut(g), gone = w[g] - c.w[g];
    t.perDim[g] = gone > 0 ? Math.max(0, c.saved / gone) : 0;
  }
  const h = cut('heads'); // fewer heads also removes their value dims: those count at the attn gate's rate
  if (heads > h.w.heads) t.perHead = Math.max(0, (h.saved - dimsSavedMs(t, { ...h.w, heads })) / (heads - h.w.heads));
  fitPairs(t, w, cut);
  const n = PROBE_CUTS.length;
  const remainder = (i: number, without: BlockWidths) => Math.max(0, ms - times[i] - dimsSavedMs(t, without));
  return {
    ...t,
    perSublayer: {
      attn: hasAttention(dims) ? remainder(n, { ...w, qkv: 0, attn: 0, heads: 0 }) : 0,
      mlp: hasMlp(dims) ? remainder(n + 1, { ...w, fc1: 0, hidden: 0 }) : 0,
    },
  };
}

/**
 * The pair terms from the cuts that halve both gates of a product: what they saved less than the terms fitted so
 * far predict, per removed pair; capped so that removing more of either gate never predicts more time.
 */
function fitPairs(t: Omit<BlockLatency, 'perSublayer'>, w: BlockWidths, cut: (...gates: ProbeGate[]) => TimedCut): void {
  const overCount = (c: TimedCut, a: GateName, b: ProbeGate) => {
    const pairs = (w[a] - c.w[a]) * (w[b] - c.w[b]);
    return pairs > 0 ? Math.max(0, (dimsSavedMs(t, c.w) - c.saved) / pairs) : 0;
  };
  const p = t.perPair, d = t.perDim, over = (n: number) => Math.max(1, n);
  p.qkvAttn = Math.min(overCount(cut('qkv', 'attn'), 'qkv', 'attn'), d.attn / over(w.qkv), d.qkv / over(w.attn));
  p.qkvHeads = Math.min(overCount(cut('qkv', 'heads'), 'qkv', 'heads'), t.perHead / over(w.qkv), (d.qkv - p.qkvAttn * w.attn) / over(w.heads));
  p.fc1Hidden = Math.min(overCount(cut('fc1', 'hidden'), 'fc1', 'hidden'), d.hidden / over(w.fc1), d.fc1 / over(w.hidden));
}
