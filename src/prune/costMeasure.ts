/**
 * The cost a budget is spent on (params, MACs per image, or predicted latency) as a function of a config's
 * block dims, and the exact cost of one dim of each gate (a finite difference of that function).
 */
import { GATE_NAMES, type GateName } from '../model/gateLayout';
import { blockDimsAt, withoutAttention, withoutMlp, type BlockDims, type VitConfig } from '../model/vitConfig';
import { modelCost } from './costs';
import type { GateCosts } from './pruneMask';
import { predictLatency, type LatencyTable } from './latencyTable';

/** A model's total cost for a config (same architecture, any block dims): params, MACs per image or ms. */
export type CostMeasure = (cfg: VitConfig) => number;

/** Parameters of `cfg` (DESIGN.md section 1). */
export const paramsMeasure: CostMeasure = (cfg) => modelCost(cfg).total.params;

/** MACs per image of `cfg` (DESIGN.md section 1). */
export const macsMeasure: CostMeasure = (cfg) => modelCost(cfg).total.macs;

/** Indices 0..n-1 without the first `drop` of them (or of `map` when given). */
function withoutFirst(map: number[] | null, n: number, drop: number): number[] {
  return (map ?? Array.from({ length: n }, (_, i) => i)).slice(drop);
}

/** `dims` with one dim of `gate` removed (a value dim comes off the widest head; a head of width 1 is dropped). */
export function dimsWithout(cfg: VitConfig, dims: BlockDims, gate: GateName): BlockDims {
  if (gate === 'qkv') return { ...dims, qkvIn: withoutFirst(dims.qkvIn, cfg.embedDim, 1) };
  if (gate === 'fc1') return { ...dims, fc1In: withoutFirst(dims.fc1In, cfg.embedDim, 1) };
  if (gate === 'hidden') return { ...dims, hidden: Math.max(0, dims.hidden - 1) };
  if (dims.valueWidths.length === 0) return dims;
  const widest = dims.valueWidths.indexOf(Math.max(...dims.valueWidths));
  if (dims.valueWidths[widest] > 1) return { ...dims, valueWidths: dims.valueWidths.map((w, i) => (i === widest ? w - 1 : w)) };
  return { ...dims, heads: dims.heads.filter((_, i) => i !== widest), valueWidths: dims.valueWidths.filter((_, i) => i !== widest) };
}

/**
 * The cost saved by changing one block of `cfg` alone: a function of a block index and that block's changed dims,
 * measure(cfg) − measure(cfg with block b's dims replaced); also the blocks' current dims it compares against.
 */
function blockSaving(cfg: VitConfig, measure: CostMeasure): { blocks: BlockDims[]; saved: (b: number, changed: BlockDims) => number } {
  const blocks = Array.from({ length: cfg.depth }, (_, i) => blockDimsAt(cfg, i));
  const base = measure({ ...cfg, blocks });
  return { blocks, saved: (b, changed) => base - measure({ ...cfg, blocks: blocks.map((d, i) => (i === b ? changed : d)) }) };
}

/** Cost saved by removing one dim of each gate of each block of `cfg`, alone, at its current widths: measure(cfg) − measure(cfg − 1 dim). */
export function gateDimCosts(cfg: VitConfig, measure: CostMeasure): GateCosts[] {
  const { blocks, saved } = blockSaving(cfg, measure);
  return blocks.map((dims, b) => Object.fromEntries(GATE_NAMES.map((g) => [g, saved(b, dimsWithout(cfg, dims, g))])) as GateCosts);
}

/** Cost saved by removing each whole head of each block of `cfg` (its q, k and v columns and proj rows): [block][head slot]. */
export function headCosts(cfg: VitConfig, measure: CostMeasure): number[][] {
  const { blocks, saved } = blockSaving(cfg, measure);
  return blocks.map((dims, b) => dims.heads.map((_, h) =>
    saved(b, { ...dims, heads: dims.heads.filter((_, i) => i !== h), valueWidths: dims.valueWidths.filter((_, i) => i !== h) })));
}

/** Cost saved by removing each whole sublayer of each block of `cfg` (its LN, weights and biases): [block][0 attn, 1 mlp]. */
export function sublayerCosts(cfg: VitConfig, measure: CostMeasure): number[][] {
  const { blocks, saved } = blockSaving(cfg, measure);
  return blocks.map((dims, b) => [saved(b, withoutAttention(dims)), saved(b, withoutMlp(dims))]);
}

/** The measure a budget in `unit` is spent on ('rate' counts MACs, for cost-aware ranking); latency needs its table. */
export function unitMeasure(unit: 'rate' | 'macs' | 'params' | 'latency', latency?: LatencyTable | null): CostMeasure {
  if (unit === 'params') return paramsMeasure;
  if (unit !== 'latency') return macsMeasure;
  if (!latency) throw new RangeError('a latency budget needs a latency table measured on the current backend');
  return (cfg) => predictLatency(latency, cfg); // ms per forward pass of latency.batch images
}
