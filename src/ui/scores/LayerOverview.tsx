import { memo, useMemo, useState, type ReactElement } from 'react';
import { GATE_NAMES, type GateName } from '../../model/gateLayout';
import { blockDimsAt, type BlockDims, type VitConfig } from '../../model/vitConfig';
import { blockCost } from '../../prune/costs';
import type { ModelInfo, PrunePreview, PruneSettings } from '../../worker/engineApi';
import { formatPercent } from '../common/format';
import { gateTotals, keptOf } from './scoreStats';

interface GateRow { gate: GateName; kept: number; total: number }
interface BlockRow {
  block: number;
  gates: GateRow[];
  /** Kept value width per original head (0 = head removed) and the head's original width. */
  heads: { kept: number; total: number }[];
  macsKept: number;
  override: number | undefined;
}

function rows(model: ModelInfo, preview: PrunePreview, prune: PruneSettings): BlockRow[] {
  const cfg = model.config;
  const slimCfg: VitConfig = { ...cfg, blocks: preview.blocks };
  return Array.from({ length: cfg.depth }, (_, b) => {
    const dims: BlockDims = preview.blocks[b] ?? blockDimsAt(cfg, b);
    const base = blockDimsAt(cfg, b);
    const totals = gateTotals(cfg, b);
    const widthOf = new Map(dims.heads.map((h, i) => [h, dims.valueWidths[i]]));
    const full = model.blocks[b]?.macs ?? blockCost(cfg, b).macs;
    return {
      block: b,
      gates: GATE_NAMES.map((gate) => ({ gate, kept: keptOf(dims, gate, cfg), total: totals[gate] })),
      heads: base.heads.map((h, i) => ({ kept: widthOf.get(h) ?? 0, total: base.valueWidths[i] })),
      macsKept: full > 0 ? blockCost(slimCfg, b).macs / full : 1,
      override: prune.blockRates[b],
    };
  });
}

/** Kept vs removed dims of every gate of every block at once (a compact heatmap); hover or focus for values. */
export const LayerOverview = memo(function LayerOverview(props: { model: ModelInfo; preview: PrunePreview | null; prune: PruneSettings }): ReactElement {
  const { model, preview, prune } = props;
  // A preview of the previous model (other depth) can arrive for one render after a new model loads: wait for this model's.
  const data = useMemo(() => (preview && preview.blocks.length === model.config.depth ? rows(model, preview, prune) : null), [model, preview, prune]);
  const [info, setInfo] = useState<string | null>(null);
  if (!data) {
    return (
      <div className="overview" data-testid="layer-overview">
        <h3 className="section-title">Kept dims per layer</h3>
        <p className="muted">Working out the kept dims…</p>
      </div>
    );
  }
  const describe = (r: BlockRow, g: GateRow): string =>
    `Block ${r.block} ${g.gate}: ${g.kept} of ${g.total} kept (${formatPercent(g.total ? g.kept / g.total : 1, 0)}), ${g.total - g.kept} removed`;
  return (
    <div className="overview" data-testid="layer-overview">
      <h3 className="section-title">Kept dims per layer</h3>
      <div className="overview-grid" role="table" aria-label="Kept dims per block and gate">
        <div className="overview-row overview-head" role="row">
          <span role="columnheader">Block</span>
          {GATE_NAMES.map((g) => <span role="columnheader" key={g}>{g}</span>)}
          <span role="columnheader">MACs kept</span>
        </div>
        {data.map((r) => (
          <div className="overview-row" role="row" key={r.block}>
            <span role="rowheader" className="overview-block">
              {r.block}
              {r.override !== undefined ? <span className="chip chip-accent" title="per-layer rate">{Math.round(r.override * 100)}%</span> : null}
            </span>
            {r.gates.map((g) => {
              const text = describe(r, g);
              return (
                <span
                  role="cell"
                  key={g.gate}
                  className="overview-cell"
                  aria-label={text}
                  title={text}
                  onMouseEnter={() => setInfo(text)}
                  onMouseLeave={() => setInfo(null)}
                >
                  {g.gate === 'attn' && r.heads.length > 1 ? (
                    <span className="heat heat-heads" aria-hidden="true">
                      {r.heads.map((h, i) => (
                        <span key={i} className="heat-head" title={`head ${i}: ${h.kept}/${h.total}`}>
                          <span className="heat-fill" style={{ width: `${h.total ? (100 * h.kept) / h.total : 0}%`, background: heatColor(h.kept, h.total) }} />
                        </span>
                      ))}
                    </span>
                  ) : (
                    <span className="heat" aria-hidden="true">
                      <span className="heat-fill" style={{ width: `${g.total ? (100 * g.kept) / g.total : 0}%`, background: heatColor(g.kept, g.total) }} />
                    </span>
                  )}
                  {g.gate === 'attn' && r.heads.length > 1 ? null : <span className="heat-text">{g.kept}</span>}
                </span>
              );
            })}
            <span role="cell" className="overview-macs">{formatPercent(r.macsKept, 0)}</span>
          </div>
        ))}
      </div>
      <p className="overview-info muted small" aria-live="polite">{info ?? 'Hover a cell for its values. Filled = kept, empty = removed; attn is split per head.'}</p>
    </div>
  );
});

/** Stronger fill for layers that keep more (a heatmap cue on top of the bar length); a colour, not opacity, so it stays cheap to paint. */
function heatColor(kept: number, total: number): string {
  const share = total > 0 ? Math.round(45 + 55 * (kept / total)) : 100;
  return `color-mix(in srgb, var(--kept) ${share}%, var(--card))`;
}
