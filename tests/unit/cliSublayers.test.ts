/** `vtp prune --sublayers` and `vtp info` of a model with removed sublayers and a dropped block. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATE_NAMES } from '../../src/model/gateLayout';
import { vitConfig } from '../../src/model/vitConfig';
import { readScoreFile, scoreFileBytes } from '../../src/io/scoreFile';
import { onesScores } from '../../src/prune/scoreSet';
import { ROOT, vtp } from './helpers/cli';

const model = join(ROOT, 'tests/fixtures/timm-vit');
/** The fixture's architecture (tests/fixtures/timm-vit/config.json): D 24, 2 blocks, 3 heads, MLP 48. */
const FIXTURE = vitConfig({ imageSize: [16, 16], patchSize: 4, embedDim: 24, depth: 2, numHeads: 3, mlpHidden: 48, numClasses: 5 });

describe('vtp prune --sublayers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vtp-sublayers-'));
  const scores = onesScores(FIXTURE);
  scores.blocks.forEach((b, i) => GATE_NAMES.forEach((g) => { b[g] = b[g].map((_, j) => 0.5 + ((j * 7 + i) % 11) / 10); }));
  scores.blocks[1].attn.fill(1e-3);
  scores.blocks[1].hidden.fill(2e-3);
  scores.blocks[0].hidden.fill(3e-3);
  const scoreFile = join(dir, 'scores.safetensors');
  writeFileSync(scoreFile, scoreFileBytes(scores));

  it('--rate removes the weakest sublayers whole, drops a block left empty, and info says so', async () => {
    const out = join(dir, 'slim');
    const r = await vtp('prune', model, '--scores', scoreFile, '--rate', '0.8', '--sublayers', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.sublayers).toBe(true);
    expect(report.removedSublayers).toEqual([{ block: 0, part: 'mlp' }, { block: 1, part: 'attn' }, { block: 1, part: 'mlp' }]);
    expect(report.droppedBlocks).toEqual([1]);
    expect(r.stderr).toMatch(/sublayers removed: MLP of block 0, attention of block 1, MLP of block 1/);
    const info = JSON.parse((await vtp('info', out, '--json')).stdout);
    expect(info.depth).toBe(1);
    expect(info.droppedBlocks).toEqual([1]);
    expect(info.blocks[0]).toMatchObject({ attention: true, mlp: false, hidden: 0 });
    expect(info.macs).toBe(report.macsAfter);
    const text = await vtp('info', out);
    expect(text.stdout).toMatch(/dropped blocks \(both sublayers removed; original indices\): 1/);
    expect(text.stdout).toMatch(/MLP removed/);
  });

  it('without --sublayers the same rate keeps every sublayer (one dim per gate)', async () => {
    const r = await vtp('prune', model, '--scores', scoreFile, '--rate', '0.8', '--out', join(dir, 'plain'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.removedSublayers).toEqual([]);
    expect(report.blocks).toHaveLength(2);
  });

  it('works with a budget: --macs-saved 0.3 --sublayers lands on its target', async () => {
    const r = await vtp('prune', model, '--scores', scoreFile, '--macs-saved', '0.3', '--sublayers', '--out', join(dir, 'budget'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.saved).toBeGreaterThanOrEqual(0.3);
    expect(report.saved - 0.3).toBeLessThan(0.01);
    expect(report.removedSublayers.length).toBeGreaterThan(0);
  });
});

describe('vtp scores --sublayer-gates', () => {
  it('writes a learned gate per sublayer that readScoreFile reads back, and prune --sublayers folds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtp-subgates-'));
    const data = join(ROOT, 'tests/fixtures/data/tiny-folder');
    const out = join(dir, 's.safetensors');
    const r = await vtp('scores', model, '--data', data, '--match-by-position', '--split', 'all', '--steps', '2', '--batch', '4', '--sublayer-gates', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/learned sublayer gates: block 0 attention \d\.\d{3} MLP \d\.\d{3}, block 1 attention/);
    const back = readScoreFile(new Uint8Array(readFileSync(out)), FIXTURE);
    expect(back.blocks.map((b) => Object.keys(b.sublayer ?? {}))).toEqual([['attn', 'mlp'], ['attn', 'mlp']]);
    const pruned = await vtp('prune', model, '--scores', out, '--macs-saved', '0.3', '--sublayers', '--fold', '--out', join(dir, 'slim'), '--json');
    expect(pruned.code, pruned.stderr).toBe(0);
    const help = await vtp('scores', '--help');
    expect(help.stdout + help.stderr).toMatch(/\[--sublayer-gates\] \(also learn one scalar gate per attention\/MLP sublayer/);
  });
});

