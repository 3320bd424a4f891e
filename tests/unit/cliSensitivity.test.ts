/** `vtp sensitivity`: agreement lost per block pruned alone, suggested overrides, and its errors. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, vtp } from './helpers/cli';

const model = join(ROOT, 'tests/fixtures/timm-vit');
const scores = join(model, 'gates.safetensors');
const data = join(ROOT, 'tests/fixtures/data/tiny-folder');
const common = ['sensitivity', model, '--scores', scores, '--data', data, '--match-by-position', '--split', 'all'];

describe('vtp sensitivity', () => {
  it('--json: one entry per block, suggested overrides at the setting\'s MACs saving within 1%, monotone in the loss', async () => {
    const r = await vtp(...common, '--macs-saved', '0.5', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.blocks.map((b: { block: number }) => b.block)).toEqual([0, 1]);
    expect(out.n).toBe(4); // the 4 readable images of the fixture
    for (const b of out.blocks) {
      expect(b.agreementLost).toBeCloseTo(out.baseAgreement - b.agreement, 12);
      expect(b.cut).toBeGreaterThan(0);
    }
    const s = out.suggested;
    expect(s.target).toBeGreaterThanOrEqual(0.5);
    expect(s.macsSaved).toBeGreaterThanOrEqual(s.target);
    expect(s.macsSaved - s.target).toBeLessThan(0.01);
    const [l0, l1] = out.blocks.map((b: { agreementLost: number }) => b.agreementLost);
    if (l0 > l1) expect(s.blockRates[0]).toBeLessThanOrEqual(s.blockRates[1]);
    if (l1 > l0) expect(s.blockRates[1]).toBeLessThanOrEqual(s.blockRates[0]);
    expect(s.blockRatesFlag).toBe(`0:${s.blockRates[0]},1:${s.blockRates[1]}`);
    // The suggestion is a valid --block-rates for prune, and lands where it said.
    const p = await vtp('prune', model, '--scores', scores, '--macs-saved', '0.5', '--block-rates', s.blockRatesFlag, '--out', join(mkdtempSync(join(tmpdir(), 'vtp-sens-')), 'slim'), '--json');
    expect(p.code, p.stderr).toBe(0);
    expect(1 - JSON.parse(p.stdout).macsAfter / JSON.parse(p.stdout).macsBefore).toBeCloseTo(s.macsSaved, 12);
  });

  it('prints a table per block and the --block-rates to use; every loss is 0 at rate 0', async () => {
    const r = await vtp(...common, '--rate', '0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| block \| dims cut \| MACs saved \(alone\) \| agreement \| agreement lost \| accuracy lost \| suggested rate \|/);
    expect(r.stdout).toMatch(/\| 0 \| 0\.0% \| 0\.0% \| \d+\.\d\d% \| 0\.00% \| 0\.00% \| 0\.0% \|/);
    expect(r.stdout).toMatch(/\| 1 \| 0\.0% \| 0\.0% \| \d+\.\d\d% \| 0\.00% \| 0\.00% \| 0\.0% \|/);
    expect(r.stdout).toMatch(/suggested: --block-rates 0:0,1:0/);
    expect(r.stderr).toMatch(/sensitivity: 3\/3 models measured/);
  });

  const errors: [string, string[], RegExp][] = [
    ['no --data', ['sensitivity', model, '--scores', scores, '--rate', '0.4'], /sensitivity needs --data <dataset>/],
    ['no target', [...common], /one of --rate, --macs-saved, --params-saved or --latency-ms is required/],
    ['two targets', [...common, '--rate', '0.4', '--macs-saved', '0.5'], /give one target, not --rate and --macs-saved/],
    ['a bad --limit', [...common, '--rate', '0.4', '--limit', 'many'], /--limit must be a whole number >= 0, got "many"/],
    ['no scores', ['sensitivity', model, '--data', data, '--match-by-position', '--rate', '0.4'], /--scores <scores.safetensors> is required/],
    ['a bad block rate', [...common, '--rate', '0.4', '--block-rates', '7:0.1'], /--block-rates: block "7" is not in 0..1/],
  ];
  for (const [name, args, message] of errors) {
    it(`a clear one-line error for ${name}`, async () => {
      const r = await vtp(...args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^vtp: /m);
      expect(r.stdout).toBe('');
    });
  }
});
