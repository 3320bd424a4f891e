/**
 * Trained VTP scores of the demo model for the slim-speed rows: `vtp scores <model> --data sample`, run once
 * and cached in bench/.cache (git-ignored) under the SHA-256 of model.safetensors and the run's settings,
 * so a new model gets new scores and a stale file is never read.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { readScoreFile } from '../src/io/scoreFile';
import type { VitConfig } from '../src/model/vitConfig';
import type { ScoreSet } from '../src/prune/scoreSet';
import { QUICK } from './benchConfig';

const ROOT = new URL('../', import.meta.url).pathname;
const CACHE = new URL('./.cache/', import.meta.url).pathname;

/** The score run: 30 steps of batch 64 on the shipped sample with cross-entropy on the labels (issue 13's setup); 3 steps of 16 in a quick run. */
export const SCORE_RUN = { steps: QUICK ? 3 : 30, batch: QUICK ? 16 : 64, target: 'labels' as const };

/** The cache file of `modelDir`'s scores: bench/.cache/scores-<hash of model.safetensors>-<steps>x<batch>[-<target>].safetensors. */
export function scoreCachePath(modelDir: string): string {
  const hash = createHash('sha256').update(readFileSync(modelDir + 'model.safetensors')).digest('hex').slice(0, 16);
  return `${CACHE}scores-${hash}-${SCORE_RUN.steps}x${SCORE_RUN.batch}${SCORE_RUN.target === 'labels' ? '' : `-${SCORE_RUN.target}`}.safetensors`;
}

/** Scores of the model in `modelDir` (a folder path ending in /) trained on the shipped sample, from the cache or trained now. */
export function trainedScores(modelDir: string, cfg: VitConfig): { scores: ScoreSet; file: string } {
  const file = scoreCachePath(modelDir);
  if (!existsSync(file)) {
    mkdirSync(CACHE, { recursive: true });
    console.error(`training scores for the slim rows (${SCORE_RUN.steps} steps of batch ${SCORE_RUN.batch} on the sample) -> ${file}`);
    const args = ['tsx', 'src/cli/main.ts', 'scores', modelDir, '--data', 'sample', '--steps', String(SCORE_RUN.steps),
      '--batch', String(SCORE_RUN.batch), '--target', SCORE_RUN.target, '--out', file];
    execFileSync('npx', args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return { scores: readScoreFile(new Uint8Array(readFileSync(file)), cfg, file), file };
}
