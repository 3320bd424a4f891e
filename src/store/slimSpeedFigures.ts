/** The slim model's measured speed as the panel and the report show it: whether it is the current slim model's, and in words. */
import type { StudioState } from './studioState';
import type { SlimSpeedInfo } from '../worker/engineApi';

/** "slim / full time on wasm: 0.85× at batch 1 (… ms), 0.62× at batch 64 (… ms); MACs 0.56×" for a result. */
export function slimSpeedText(info: SlimSpeedInfo): string {
  const points = info.points.map((p) => `${p.ratio.toFixed(2)}× at batch ${p.batch} (${p.slimMs.toFixed(1)} vs ${p.fullMs.toFixed(1)} ms)`);
  return `slim / full time on ${info.backend}: ${points.join(', ')}; MACs ${info.macsRatio.toFixed(2)}×`;
}

/** The measured speed when it belongs to the current slim model, else null. */
export function currentSlimSpeed(s: Pick<StudioState, 'slimSpeed' | 'pruned'>): SlimSpeedInfo | null {
  return s.slimSpeed && s.pruned && s.slimSpeed.prunedId === s.pruned.id ? s.slimSpeed : null;
}
