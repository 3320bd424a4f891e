/**
 * The budget flags of `vtp prune` and `vtp sweep`: --rate (fraction of gated dims), or --macs-saved,
 * --params-saved, --latency-ms, and --rank abs|cost (|a|, the default, or |a| per unit of cost). A latency budget uses a per-block
 * latency table of the current backend, measured once and cached in a JSON file (--latency-table, default in the
 * OS temp folder, keyed by backend, batch and block shapes).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { VitConfig } from '../model/vitConfig';
import { latencyTableFits, predictLatency, type LatencyTable } from '../prune/latencyTable';
import { measureLatencyTable } from '../prune/latencyProbe';
import type { PruneRank, PruneUnit } from '../prune/pruneSettings';
import { intFlag, numberFlag, rateFlag } from './cliFlags';
import { UsageError, type CliContext } from './cliContext';

/** Budget options of prune and sweep. */
export interface BudgetArgs {
  rate?: string; 'macs-saved'?: string; 'params-saved'?: string; 'latency-ms'?: string; rank?: string;
  'latency-batch'?: string; 'latency-table'?: string; heads?: boolean; sublayers?: boolean;
}

/** What the budget flags decide: the unit, the target in it (fraction saved; latency converted), the ranking, the table. */
export interface BudgetChoice { unit: PruneUnit; rate: number; rank: PruneRank; heads: boolean; sublayers: boolean; latency: LatencyTable | null; latencyMs?: number; fullMs?: number }

const TARGET_FLAGS = { rate: '--rate', 'macs-saved': '--macs-saved', 'params-saved': '--params-saved', 'latency-ms': '--latency-ms' } as const;

/** The --rank flag: abs (default) or cost. */
export function rankFlag(value: string | undefined): PruneRank {
  if (value === undefined) return 'abs';
  if (value !== 'abs' && value !== 'cost') throw new UsageError(`--rank must be abs or cost, got "${value}"`);
  return value;
}

/** The one target flag given (exactly one of --rate, --macs-saved, --params-saved, --latency-ms). */
function targetFlag(args: BudgetArgs): keyof typeof TARGET_FLAGS {
  const given = (Object.keys(TARGET_FLAGS) as (keyof typeof TARGET_FLAGS)[]).filter((k) => args[k] !== undefined);
  if (given.length === 0) throw new UsageError('one of --rate, --macs-saved, --params-saved or --latency-ms is required (e.g. --rate 0.4, --macs-saved 0.5)');
  if (given.length > 1) throw new UsageError(`give one target, not ${given.map((k) => TARGET_FLAGS[k]).join(' and ')}`);
  return given[0];
}

/** Cache file of the latency table of `cfg` on `backend` at `batch`. */
function defaultTablePath(cfg: VitConfig, backend: string, batch: number): string {
  const shape = JSON.stringify([cfg.imageSize, cfg.patchSize, cfg.inChans, cfg.embedDim, cfg.depth, cfg.numHeads, cfg.headDim, cfg.mlpHidden, cfg.numClasses, cfg.distilled, cfg.blocks]);
  return join(tmpdir(), `vtp-latency-${backend}-b${batch}-${createHash('sha256').update(shape).digest('hex').slice(0, 16)}.json`);
}

/** True when a stored table fits this model (latencyTableFits: its shape and every entry), backend and batch. */
function tableFits(t: LatencyTable, cfg: VitConfig, backend: string, batch: number): boolean {
  return t.backend === backend && t.batch === batch && latencyTableFits(t, cfg);
}

/** The latency table of `cfg` on the current backend: read from the cache file when it fits, else measured and written. */
export async function latencyTableFor(ctx: CliContext, cfg: VitConfig, args: BudgetArgs): Promise<LatencyTable> {
  const batch = intFlag(args['latency-batch'], '--latency-batch', 64);
  const path = args['latency-table'] ?? defaultTablePath(cfg, ctx.backend, batch);
  if (existsSync(path)) {
    try {
      const t = JSON.parse(readFileSync(path, 'utf8')) as LatencyTable;
      if (tableFits(t, cfg, ctx.backend, batch)) { ctx.log(`latency table: ${path} (cached)`); return t; }
    } catch { /* measured again below */ }
  }
  ctx.log(`measuring a latency table on ${ctx.backend} at batch ${batch}…`);
  const table = await measureLatencyTable(cfg, { batch });
  writeFileSync(path, JSON.stringify(table));
  ctx.log(`latency table: ${path} (${predictLatency(table, cfg).toFixed(1)} ms per batch of ${batch})`);
  return table;
}

/** Reads the target flags: unit, target fraction (for --latency-ms: 1 − ms / predicted full latency), ranking and table. */
export async function budgetChoice(ctx: CliContext, cfg: VitConfig, args: BudgetArgs): Promise<BudgetChoice> {
  const flag = targetFlag(args);
  const unit: PruneUnit = flag === 'rate' ? 'rate' : flag === 'macs-saved' ? 'macs' : flag === 'params-saved' ? 'params' : 'latency';
  const rank = rankFlag(args.rank);
  const heads = args.heads === true;
  if (heads && unit === 'rate') throw new UsageError('--heads needs a budget (--macs-saved, --params-saved or --latency-ms): a rate counts dims, not heads');
  const sublayers = args.sublayers === true;
  if (unit !== 'latency') return { unit, rate: rateFlag(args[flag], TARGET_FLAGS[flag]), rank, heads, sublayers, latency: null };
  const ms = numberFlag(args['latency-ms'], '--latency-ms', 0);
  if (!(ms > 0)) throw new UsageError(`--latency-ms must be a positive number of milliseconds, got "${args['latency-ms']}"`);
  const latency = await latencyTableFor(ctx, cfg, args);
  const fullMs = predictLatency(latency, cfg);
  return { unit, rate: Math.max(0, 1 - ms / fullMs), rank, heads, sublayers, latency, latencyMs: ms, fullMs };
}
