import { blockDimsAt, hasAttention, hasMlp, type VitConfig } from '../model/vitConfig';
import { modelCost } from '../prune/costs';

/** Per-block dims and costs, as printed by `vtp info` (JSON-serialisable). */
export interface BlockSummary {
  index: number;
  qkvInputs: number;
  heads: number[];
  valueWidths: number[];
  fc1Inputs: number;
  hidden: number;
  /** False when the attention / MLP sublayer was removed by pruning (the residual passes through). */
  attention: boolean;
  mlp: boolean;
  params: number;
  macs: number;
}

/** The config fields a summary repeats as they are. */
type SummaryConfigFields = 'architecture' | 'imageSize' | 'patchSize' | 'inChans' | 'embedDim' | 'depth' | 'numHeads' | 'headDim'
  | 'mlpHidden' | 'numClasses' | 'distilled' | 'layerNormEps' | 'classNames' | 'mean' | 'std' | 'normalisationAssumed' | 'headOrigin';

/** Architecture and cost summary of a model (JSON-serialisable). */
export interface ModelSummary extends Pick<VitConfig, SummaryConfigFields> {
  source: string;
  slim: boolean;
  params: number;
  macs: number;
  blocks: BlockSummary[];
  /** Original indices of blocks dropped by pruning (both sublayers removed). */
  droppedBlocks: number[];
}

/** Summary of `cfg` with params and MACs per block and in total (MACs per image). */
export function modelSummary(cfg: VitConfig, source: string): ModelSummary {
  const cost = modelCost(cfg);
  const blocks = cost.blocks.map((c, index) => {
    const d = blockDimsAt(cfg, index);
    return {
      index,
      qkvInputs: d.qkvIn ? d.qkvIn.length : cfg.embedDim,
      heads: d.heads,
      valueWidths: d.valueWidths,
      fc1Inputs: d.fc1In ? d.fc1In.length : cfg.embedDim,
      hidden: d.hidden,
      attention: hasAttention(d),
      mlp: hasMlp(d),
      ...c,
    };
  });
  const { imageSize, patchSize, inChans, embedDim, depth, numHeads, headDim, mlpHidden, numClasses, distilled, layerNormEps, classNames, mean, std, normalisationAssumed, architecture } = cfg;
  return {
    ...(cfg.headOrigin ? { headOrigin: cfg.headOrigin } : {}), architecture, source, imageSize, patchSize, inChans, embedDim, depth, numHeads, headDim, mlpHidden, numClasses, distilled,
    slim: cfg.blocks !== null, layerNormEps, classNames, mean, std, normalisationAssumed, params: cost.total.params, macs: cost.total.macs, blocks,
    droppedBlocks: cfg.droppedBlocks ?? [],
  };
}

/** Number with SI suffix: 1.20M, 62.9M, 17.6G. */
export function si(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

/** Human-readable table of a summary, one line per block. */
export function formatSummary(s: ModelSummary): string {
  const lines = [
    `${s.architecture} (${s.source}${s.slim ? ', slim' : ''})`,
    `input ${s.inChans}x${s.imageSize[0]}x${s.imageSize[1]}, patch ${s.patchSize}, width ${s.embedDim}, depth ${s.depth}, ` +
      `heads ${s.numHeads} x ${s.headDim}, MLP ${s.mlpHidden}, classes ${s.numClasses}${s.distilled ? ', distilled' : ''}`,
    `normalisation mean ${s.mean.join(', ')}, std ${s.std.join(', ')}${s.normalisationAssumed ? ' (assumed: the checkpoint gives none; set --mean/--std)' : ''}`,
    `params ${si(s.params)} (${s.params}), MACs ${si(s.macs)} (${s.macs}) per image`,
    ...(s.headOrigin ? [`head: new, fitted on ${s.headOrigin.fittedOn} (${s.headOrigin.trainImages} images` +
      `${s.headOrigin.valAccuracy === null ? '' : `, validation accuracy ${(100 * s.headOrigin.valAccuracy).toFixed(2)}%`}); classes ${(s.classNames ?? []).join(', ')}`] : []),
    ...(s.droppedBlocks.length > 0 ? [`dropped blocks (both sublayers removed; original indices): ${s.droppedBlocks.join(', ')}`] : []),
    'block  qkv-in  heads  value widths           fc1-in  hidden  params    MACs',
  ];
  for (const b of s.blocks) {
    const attn = b.attention ? [String(b.qkvInputs), String(b.heads.length), b.valueWidths.join(',')] : ['-', '-', 'attention removed'];
    const mlp = b.mlp ? [String(b.fc1Inputs), String(b.hidden)] : ['-', 'MLP removed'];
    lines.push(`${String(b.index).padStart(5)}  ${attn[0].padStart(6)}  ${attn[1].padStart(5)}  ` +
      `${attn[2].padEnd(21).slice(0, 21)}  ${mlp[0].padStart(6)}  ${mlp[1].padStart(6)}  ` +
      `${si(b.params).padStart(8)}  ${si(b.macs).padStart(7)}`);
  }
  return lines.join('\n');
}
