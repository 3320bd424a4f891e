/**
 * Landing a latency budget by measurement (src/cli/latencyLanding.ts): with a timing that saves less than the table
 * predicts (a fixed cost the table does not see), the model is pruned again until the measured saving reaches the
 * target; corrections are capped, a correction that measures worse is not kept, an aim out of reach keeps the last model.
 */
import { describe, expect, it } from 'vitest';
import { vitConfig } from '../../src/model/vitConfig';
import { randomVitTensors } from '../../src/model/vitInit';
import { predictLatency, type LatencyTable } from '../../src/prune/latencyTable';
import { pruneModel, type PrunedModel } from '../../src/prune/pruneModel';
import { onesScores } from '../../src/prune/scoreSet';
import { landLatency, type LatencyLandingTask, type LatencyTiming } from '../../src/cli/latencyLanding';
import type { CliContext } from '../../src/cli/cliContext';

const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 16, depth: 2, numHeads: 4, mlpHidden: 32, numClasses: 3 });
const tensors = randomVitTensors(cfg, { seed: 5 });
const table: LatencyTable = {
  backend: 'test', batch: 1, baseMs: 1,
  blocks: [0, 1].map(() => ({
    ms: 10, perDim: { qkv: 0.1, attn: 0.1, fc1: 0.1, hidden: 0.05 }, perHead: 0.2, widths: { qkv: 16, attn: 16, fc1: 16, hidden: 32 }, heads: 4,
    perSublayer: { attn: 0.5, mlp: 0.5 }, perPair: { qkvAttn: 0, qkvHeads: 0, fc1Hidden: 0 },
  })),
};
const fullMs = predictLatency(table, cfg);

/** The model pruned by weight magnitude to a predicted saving of `aim` (null when the table cannot predict that much). */
function pruneTo(aim: number): PrunedModel | null {
  const slim = pruneModel(cfg, tensors, onesScores(cfg), { rate: aim, unit: 'latency', latency: table, criterion: 'magnitude' });
  return 1 - predictLatency(table, slim.config) / fullMs >= aim - 1e-9 ? slim : null;
}

/** A backend on which every model also spends `hiddenMs` the table does not see: less is saved than predicted. */
function timingWith(hiddenMs: number): (slim: PrunedModel) => Promise<LatencyTiming> {
  return async (slim) => {
    const [s, f] = [predictLatency(table, slim.config) + hiddenMs, fullMs + hiddenMs];
    return { slimMs: s, fullMs: f, saved: 1 - s / f };
  };
}

const quiet = (): { ctx: CliContext; lines: string[] } => {
  const lines: string[] = [];
  return { ctx: { log: (l: string) => lines.push(l) } as unknown as CliContext, lines };
};

const task = (target: number, time: LatencyLandingTask['time']): LatencyLandingTask => ({ table, full: cfg, target, first: pruneTo(target)!, prune: pruneTo, time });

describe('landLatency', () => {
  it('prunes again until the measured saving reaches the target when the table predicts too much', async () => {
    const { ctx, lines } = quiet();
    const landed = await landLatency(ctx, task(0.4, timingWith(4)));
    expect(landed.corrections).toBeGreaterThanOrEqual(1);
    expect(landed.measuredSaved).toBeGreaterThanOrEqual(0.4 - 0.01);
    expect(landed.aimed).toBeGreaterThan(0.4); // the table was asked for more than the target
    expect(lines.some((l) => /short of the target \(40\.0%\)/.test(l))).toBe(true);
  });

  it('keeps the first model when it measures within the tolerance, and never corrects more than allowed', async () => {
    const exact = await landLatency(quiet().ctx, task(0.4, timingWith(0)));
    expect(exact.corrections).toBe(0);
    expect(exact.aimed).toBe(0.4);
    const capped = await landLatency(quiet().ctx, task(0.4, timingWith(4)), { corrections: 0 });
    expect(capped.corrections).toBe(0);
    expect(capped.measuredSaved).toBeLessThan(0.39);
  });

  it('keeps the model that measured better when a correction measures worse (noise)', async () => {
    const savings = [0.3, 0.25];
    const first = pruneTo(0.4)!;
    const time = async (): Promise<LatencyTiming> => ({ slimMs: 1, fullMs: 1, saved: savings.shift() ?? 0 });
    const landed = await landLatency(quiet().ctx, { ...task(0.4, time), first });
    expect(landed.corrections).toBe(1);
    expect(landed.slim).toBe(first);
    expect(landed.measuredSaved).toBe(0.3);
  });

  it('stops with the last model when the corrected aim is out of the table\'s reach', async () => {
    const { ctx, lines } = quiet();
    const first = pruneTo(0.4)!;
    const landed = await landLatency(ctx, { ...task(0.4, timingWith(1e6)), first });
    expect(landed.slim).toBe(first);
    expect(lines.some((l) => /out of the table's reach: keeping the last model/.test(l))).toBe(true);
  });
});
