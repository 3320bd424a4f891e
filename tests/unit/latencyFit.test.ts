/**
 * The latency-table entry fitted from timed cuts (src/prune/latencyFit.ts), checked against a closed form: for a
 * block whose time is bilinear in its widths, as its matmuls are (fc1 = fc1 input × hidden, v = qkv input × value
 * width, q and k = qkv input × heads), the table predicts every pruned shape exactly; with noisy times it never
 * predicts more time for a model with less in it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vitConfig, withoutAttention, withoutMlp, type BlockDims, type VitConfig } from '../../src/model/vitConfig';
import { blockLatencyFromTimes, probeShapes } from '../../src/prune/latencyFit';
import { blockWidths, predictLatency, type BlockWidths, type LatencyTable } from '../../src/prune/latencyTable';

const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 16, depth: 1, numHeads: 4, mlpHidden: 32, numClasses: 3 });
const full: BlockDims = { qkvIn: null, heads: [0, 1, 2, 3], valueWidths: [4, 4, 4, 4], fc1In: null, hidden: 32 };

/** Coefficients of a bilinear block time (ms): attention c + a·k + b·V + e·h + g1·k·V + g2·k·h, MLP c' + α·m + β·u + γ·m·u. */
type Coeffs = [number, number, number, number, number, number, number, number, number, number];

/** The bilinear time of a block of widths `w` (a removed sublayer costs nothing, its constant included). */
function bilinearMs([c, a, b, e, g1, g2, c2, al, be, ga]: Coeffs, w: BlockWidths): number {
  const attn = w.heads > 0 ? c + a * w.qkv + b * w.attn + e * w.heads + g1 * w.qkv * w.attn + g2 * w.qkv * w.heads : 0;
  const mlp = w.hidden > 0 ? c2 + al * w.fc1 + be * w.hidden + ga * w.fc1 * w.hidden : 0;
  return attn + mlp;
}

const widthsOf = (dims: BlockDims): BlockWidths => blockWidths(oneBlock(dims), 0);
function oneBlock(dims: BlockDims): VitConfig { return { ...cfg, blocks: [dims] }; }

/** A table of one block fitted from the times `msOf` gives its probe shapes. */
function fittedTable(msOf: (dims: BlockDims, i: number) => number): LatencyTable {
  const times = probeShapes(cfg, full).map(msOf);
  return { backend: 'test', batch: 1, baseMs: 0, blocks: [blockLatencyFromTimes(cfg, full, times)] };
}

/** A pruned block: kept qkv inputs, heads and their value widths, fc1 inputs and hidden width; either sublayer may go. */
const slimDims = fc.record({
  qkv: fc.integer({ min: 1, max: 16 }), heads: fc.subarray([0, 1, 2, 3], { minLength: 1 }), widths: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 4, maxLength: 4 }),
  fc1: fc.integer({ min: 1, max: 16 }), hidden: fc.integer({ min: 1, max: 32 }), noAttn: fc.boolean(), noMlp: fc.boolean(),
}).map((r): BlockDims => {
  const dims = { qkvIn: Array.from({ length: r.qkv }, (_, i) => i), heads: r.heads, valueWidths: r.heads.map((h) => r.widths[h]), fc1In: Array.from({ length: r.fc1 }, (_, i) => i), hidden: r.hidden };
  const a = r.noAttn ? withoutAttention(dims) : dims;
  return r.noMlp ? withoutMlp(a) : a;
});

const coeff = fc.double({ min: 0, max: 2, noNaN: true });
const coeffs = fc.tuple(coeff, coeff, coeff, coeff, coeff, coeff, coeff, coeff, coeff, coeff) as fc.Arbitrary<Coeffs>;

describe('blockLatencyFromTimes', () => {
  it('predicts every pruned shape of a block whose time is bilinear in its widths exactly (shared products counted once)', () => {
    fc.assert(fc.property(coeffs, slimDims, (k, dims) => {
      const table = fittedTable((d) => bilinearMs(k, widthsOf(d)));
      const want = bilinearMs(k, widthsOf(dims));
      expect(Math.abs(predictLatency(table, oneBlock(dims)) - want)).toBeLessThan(1e-9 * (1 + want));
    }));
  });

  it('without the pair terms the same table would count a shared product twice: fc1 input and hidden both halved', () => {
    const k: Coeffs = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]; // the MLP is its fc1 product alone: m·u
    const table = fittedTable((d) => bilinearMs(k, widthsOf(d)));
    const t = table.blocks[0];
    expect(t.perPair.fc1Hidden).toBeCloseTo(1, 9);
    const half = { ...full, fc1In: Array.from({ length: 8 }, (_, i) => i), hidden: 16 };
    expect(predictLatency(table, oneBlock(half))).toBeCloseTo(8 * 16, 9); // a linear sum would predict 16·32 − 8·32 − 16·16 = 0
  });

  it('never predicts more time for a block with less in it, however noisy the times', () => {
    const noise = fc.array(fc.double({ min: 0.6, max: 1.4, noNaN: true }), { minLength: probeShapes(cfg, full).length, maxLength: probeShapes(cfg, full).length });
    fc.assert(fc.property(coeffs, noise, slimDims, fc.double({ min: 0, max: 1, noNaN: true }), (k, n, a, f) => {
      const table = fittedTable((d, i) => bilinearMs(k, widthsOf(d)) * n[i]);
      const fewer = (keep: number) => Math.max(1, Math.floor(keep * f)); // b keeps a fraction of a's dims of every gate
      const b: BlockDims = {
        ...a, qkvIn: a.qkvIn && a.qkvIn.length > 0 ? a.qkvIn.slice(0, fewer(a.qkvIn.length)) : a.qkvIn,
        valueWidths: a.valueWidths.map(fewer), fc1In: a.fc1In && a.fc1In.length > 0 ? a.fc1In.slice(0, fewer(a.fc1In.length)) : a.fc1In,
        hidden: a.hidden > 0 ? fewer(a.hidden) : 0,
      };
      expect(predictLatency(table, oneBlock(b))).toBeLessThanOrEqual(predictLatency(table, oneBlock(a)) + 1e-9);
      expect(predictLatency(table, oneBlock(a))).toBeLessThanOrEqual(predictLatency(table, oneBlock(full)) + 1e-9);
    }));
  });

  it('refuses times that do not match the probe shapes', () => {
    expect(() => blockLatencyFromTimes(cfg, full, [1, 2, 3])).toThrow(/fitted from 11 times, got 3/);
  });
});
