/** The prune slider's settings and the prune decision they lead to (plain data, shared by the worker, store and UI). */
import type { BlockDims, VitConfig } from '../model/vitConfig';
import { latencyTableFits, type LatencyTable } from './latencyTable';

/** What the slider's value measures: a fraction of gated dims removed, or of MACs, params or latency saved. */
export type PruneUnit = 'rate' | 'macs' | 'params' | 'latency';

/** How dims are ranked: by |a|, or by |a| per unit of the cost they carry (cost-aware). */
export type PruneRank = 'abs' | 'cost';

/** Slider units the studio offers (latency once a table is measured on the studio's backend). */
export const STUDIO_UNITS = ['rate', 'macs', 'params', 'latency'] as const;

/** Settings of the prune slider and its options. */
export interface PruneSettings {
  /** The slider's value in `unit`: fraction 0..1 of gated dims removed ('rate') or of the unit's cost saved. */
  rate: number;
  criterion: 'vtp' | 'magnitude';
  fold: boolean;
  roundTo: number;
  blockRates: Record<number, number>;
  /** Unit of `rate`; absent = 'rate' (settings saved before budgets existed). */
  unit?: PruneUnit;
  /** Ranking; absent = 'abs' (measured better than 'cost' on the demo model for budgets too: README "Budgets"). */
  rank?: PruneRank;
  /** Rank whole heads as units next to the dims (budgets only; a head's score comes from its value dims' |a|). */
  heads?: boolean;
  /** Rank whole sublayers (attention, MLP) as units next to the dims, for a rate or a budget (score: mean |a| of the output gate, or from the learned sublayer gate when the scores have one). */
  sublayers?: boolean;
  /** Per-block latency table of the current backend, required when unit is 'latency'. */
  latency?: LatencyTable | null;
}

/**
 * `settings` without a latency table that does not fit the model `cfg` or was measured on another backend (a
 * latency unit then falls back to MACs, the closest measure); the same object when nothing changes.
 */
export function usableLatencySettings(settings: PruneSettings, cfg: VitConfig, backend: string | null): PruneSettings {
  const table = settings.latency ?? null;
  const usable = table !== null && latencyTableFits(table, cfg) && (backend === null || table.backend === backend);
  if (usable || (table === null && settingsUnit(settings) !== 'latency')) return settings;
  return { ...settings, latency: null, unit: settingsUnit(settings) === 'latency' ? 'macs' : settings.unit };
}

/** The unit of `settings` ('rate' when absent). */
export function settingsUnit(settings: Pick<PruneSettings, 'unit'>): PruneUnit {
  return settings.unit ?? 'rate';
}

/** The ranking of `settings`: as given, else |a| (also for a budget: |a| per cost emptied whole gates on the demo model). */
export function settingsRank(settings: Pick<PruneSettings, 'rank'>): PruneRank {
  return settings.rank ?? 'abs';
}

/** True when two latency tables hold the same figures (tables cross the worker boundary as copies). */
function sameLatencyTable(a: LatencyTable | null, b: LatencyTable | null): boolean {
  return a === b || (a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b));
}

/** True when two prune settings are the same decision (every field the prune depends on, overrides key by key). */
export function samePruneSettings(a: PruneSettings, b: PruneSettings): boolean {
  if (a.rate !== b.rate || a.criterion !== b.criterion || a.fold !== b.fold || a.roundTo !== b.roundTo) return false;
  if (settingsUnit(a) !== settingsUnit(b) || settingsRank(a) !== settingsRank(b)) return false;
  if ((a.heads === true) !== (b.heads === true) || (a.sublayers === true) !== (b.sublayers === true)) return false;
  if (settingsUnit(a) === 'latency' && !sameLatencyTable(a.latency ?? null, b.latency ?? null)) return false;
  const ka = Object.keys(a.blockRates);
  return ka.length === Object.keys(b.blockRates).length && ka.every((k) => a.blockRates[Number(k)] === b.blockRates[Number(k)]);
}

/** Result of a prune decision: kept dims per block, costs, threshold. */
export interface PrunePreview {
  /** Largest removed |score| of the ranking criterion (null when nothing is removed); draw it on the histograms. */
  threshold: number | null;
  blocks: BlockDims[];
  /** Params and MACs per image of the pruned model. */
  params: number;
  macs: number;
  /** Fractions 0..1 of the current model's params and MACs removed (show as percentages). */
  paramsSaved: number;
  macsSaved: number;
  /** Gated dims removed and in total (all gates of all blocks). */
  removed?: number;
  total?: number;
  /** With a latency table in the settings: the fraction 0..1 of the predicted latency saved, and the predicted ms per batch of the table's size. */
  latencySaved?: number;
  latencyMs?: number;
}

/** Short words for the slider's value: "40%" (of gated dims), "50% of MACs", "30% of params", "25% of latency". */
export function pruneAmountText(settings: Pick<PruneSettings, 'rate' | 'unit'>): string {
  const pct = `${Math.round(settings.rate * 1000) / 10}%`;
  const unit = settingsUnit(settings);
  return unit === 'rate' ? pct : `${pct} of ${unit === 'macs' ? 'MACs' : unit}`;
}
