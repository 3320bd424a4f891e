import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, vtp } from './helpers/cli';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors';

const root = ROOT;
const model = join(root, 'tests/fixtures/timm-vit');
const data = join(root, 'tests/fixtures/data/tiny-folder');


describe('vtp scores / prune / sweep / eval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vtp-pipe-'));
  const scores = join(dir, 'scores.safetensors');

  it('scores writes one gate vector per block and gate, and progress goes to stderr', async () => {
    const r = await vtp('scores', model, '--data', data, '--match-by-position', '--split', 'all', '--steps', '4', '--batch', '4', '--l1', '1e-2', '--out', scores, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/step 4\/4/);
    expect(JSON.parse(r.stdout).steps).toBe(4);
    const gates = readSafetensors(new Uint8Array(readFileSync(scores))).tensors;
    expect([...gates.keys()].sort()).toEqual(['attn', 'fc1', 'hidden', 'qkv'].flatMap((g) => [0, 1].map((i) => `blocks.${i}.gate.${g}`)).sort());
    expect(gates.get('blocks.1.gate.hidden')!.shape).toEqual([48]);
  });

  it('prune writes a slim model that info and eval read back, with the savings printed', async () => {
    const slim = join(dir, 'slim');
    const r = await vtp('prune', model, '--scores', scores, '--rate', '0.4', '--round-to', '2', '--out', slim, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.macsAfter).toBeLessThan(0.7 * report.macsBefore);
    expect(r.stderr).toMatch(/MACs .* -> .*\(-\d+\.\d%\)/);
    const info = JSON.parse((await vtp('info', slim, '--json')).stdout);
    expect(info.slim).toBe(true);
    expect(info.macs).toBe(report.macsAfter);
    for (const b of info.blocks) for (const w of b.valueWidths) expect(w % 2 === 0 || w === 8).toBe(true);
    const ev = await vtp('eval', slim, '--data', data, '--match-by-position', '--split', 'all', '--json');
    expect(ev.code, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout).n).toBe(4);
    // Every accuracy names its images and its 95% (Wilson) interval, which contains it.
    const { accuracy, ci95 } = JSON.parse(ev.stdout);
    expect(ci95[0]).toBeLessThanOrEqual(accuracy);
    expect(ci95[1]).toBeGreaterThanOrEqual(accuracy);
    expect(ci95[1] - ci95[0]).toBeGreaterThan(0.3); // 4 images say little
    const text = await vtp('eval', slim, '--data', data, '--match-by-position', '--split', 'all');
    expect(text.stdout).toMatch(/accuracy \d+\.\d\d% on 4 images, 95% CI \d+\.\d–\d+\.\d%/);
  });

  it('sweep reports both criteria at every rate', async () => {
    const r = await vtp('sweep', model, '--scores', scores, '--data', data, '--match-by-position', '--split', 'all', '--rates', '0,0.5', '--json');
    expect(r.code, r.stderr).toBe(0);
    const { points } = JSON.parse(r.stdout);
    expect(points.map((p: { criterion: string; rate: number }) => `${p.criterion}@${p.rate}`)).toEqual(['vtp@0', 'vtp@0.5', 'magnitude@0', 'magnitude@0.5']);
    expect(points[1].macsSaved).toBeGreaterThan(0.3);
    expect(points.every((p: { n: number; ci95: number[] }) => p.n === 4 && p.ci95.length === 2)).toBe(true);
  });

  it('prune keeps binary masks by default; --fold folds the scores; both flags are a usage error', async () => {
    const base = ['prune', model, '--scores', scores, '--rate', '0.4', '--json'];
    const plain = await vtp(...base, '--out', join(dir, 'binary'));
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout).fold).toBe(false);
    const folded = await vtp(...base, '--fold', '--out', join(dir, 'folded'));
    expect(JSON.parse(folded.stdout).fold).toBe(true);
    // The same dims are kept either way; folding scales the kept weights by their scores, so the files differ.
    const w = (d: string) => readSafetensors(new Uint8Array(readFileSync(join(dir, d, 'model.safetensors')))).tensors.get('blocks.0.mlp.fc2.weight')!;
    expect(w('folded').shape).toEqual(w('binary').shape);
    expect(Array.from(w('folded').data as Float32Array)).not.toEqual(Array.from(w('binary').data as Float32Array));
    const both = await vtp(...base, '--fold', '--no-fold', '--out', join(dir, 'x'));
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--fold and --no-fold contradict each other/);
  });

  it('sweep --criterion vtp --no-fold sweeps the VTP ranking alone, with binary masks', async () => {
    const base = ['sweep', model, '--scores', scores, '--data', data, '--match-by-position', '--split', 'all', '--rates', '0.5', '--json'];
    const one = await vtp(...base, '--criterion', 'vtp', '--no-fold');
    expect(one.code, one.stderr).toBe(0);
    const { points } = JSON.parse(one.stdout);
    expect(points.map((p: { criterion: string }) => p.criterion)).toEqual(['vtp']);
    const bad = await vtp(...base, '--criterion', 'random');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--criterion takes vtp, magnitude or both/);
  });

  it('sweep without --split measures every point on the held-out part of the stratified split', async () => {
    const r = await vtp('sweep', model, '--scores', scores, '--data', data, '--match-by-position', '--rates', '0,0.5', '--json');
    expect(r.code, r.stderr).toBe(0);
    const held = Number(/held-out part of a stratified split \(val fraction 0\.2, seed 0\): (\d+) images/.exec(r.stderr)?.[1]);
    expect(held).toBeGreaterThanOrEqual(2); // at least one image of each of the 2 classes
    expect(held).toBeLessThan(4);
    const { n, points } = JSON.parse(r.stdout);
    expect(n).toBe(held);
    expect(points.every((p: { n: number }) => p.n === held)).toBe(true);
  });

  const failures: [string, () => string[], RegExp, number][] = [
    ['a rate of 1', () => ['prune', model, '--scores', scores, '--rate', '1', '--out', join(dir, 'x')], /--rate must be in \[0, 1\)/, 2],
    ['a negative rate', () => ['prune', model, '--scores', scores, '--rate=-0.1', '--out', join(dir, 'x')], /--rate must be in \[0, 1\)/, 2],
    ['an empty score file', () => { const f = join(dir, 'empty.safetensors'); writeFileSync(f, writeSafetensors(new Map())); return ['prune', model, '--scores', f, '--rate', '0.2', '--out', join(dir, 'x')]; }, /holds no scores/, 1],
    ['scores of another model', () => ['prune', join(root, 'tests/fixtures/vtp-slim'), '--scores', scores, '--rate', '0.2', '--out', join(dir, 'x')], /gate/, 1],
    ['a score file with a NaN', () => {
      const t = readSafetensors(new Uint8Array(readFileSync(scores))).tensors;
      t.get('blocks.1.gate.attn')!.data[5] = Number.NaN;
      const f = join(dir, 'nan.safetensors');
      writeFileSync(f, writeSafetensors(t));
      return ['prune', model, '--scores', f, '--rate', '0.2', '--out', join(dir, 'x')];
    }, /vtp: error: .*nan\.safetensors: blocks\.1\.gate\.attn\[5\] is NaN; every score must be a finite number/, 1],
    ['a missing score file', () => ['prune', model, '--scores', join(dir, 'nope.safetensors'), '--rate', '0.2', '--out', join(dir, 'x')], /cannot read/, 1],
    ['the VTP criterion without scores (no ranking)', () => ['prune', model, '--rate', '0.2', '--out', join(dir, 'x')], /--scores <scores\.safetensors> is required/, 2],
    ['finetuning without data', () => ['prune', model, '--scores', scores, '--rate', '0.2', '--finetune-steps', '3', '--out', join(dir, 'x')], /--finetune-steps needs --data/, 2],
  ];
  for (const [what, args, message, code] of failures) {
    it(`refuses ${what} with one clear line`, async () => {
      const r = await vtp(...args());
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(message);
    });
  }
});
