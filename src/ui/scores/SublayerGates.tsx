import type { ReactElement } from 'react';
import { useStudio } from '../../store/studioStore';
import type { ScoreSnapshot } from '../../worker/engineApi';

/** Rows of learned sublayer gates, one per block that has any; empty when the scores have none. */
function gateRows(scores: ScoreSnapshot | null): { block: number; attn?: number; mlp?: number }[] {
  return (scores?.blocks ?? []).flatMap((b, block) => (b.sublayer ? [{ block, ...b.sublayer }] : []));
}

/** The learned per-sublayer gates g (score training with "Learn a gate per sublayer"); |g| ranks whole sublayers. */
export function SublayerGates(): ReactElement | null {
  const scores = useStudio((s) => s.scores);
  const rows = gateRows(scores);
  if (rows.length === 0) return null;
  const cell = (g: number | undefined) => (g === undefined ? '–' : g.toFixed(3));
  return (
    <div className="sublayer-gates" data-testid="sublayer-gates">
      <h3 className="section-title">Learned sublayer gates</h3>
      <table className="speed-table">
        <caption className="muted small">g scales each sublayer's output (x + g·f(x)); with "Remove whole sublayers" the smallest |g| goes first.</caption>
        <thead><tr><th scope="col">block</th><th scope="col">attention g</th><th scope="col">MLP g</th></tr></thead>
        <tbody>
          {rows.map((r) => <tr key={r.block}><td>{r.block}</td><td>{cell(r.attn)}</td><td>{cell(r.mlp)}</td></tr>)}
        </tbody>
      </table>
    </div>
  );
}
