import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, vtp } from './helpers/cli';
import { readSafetensors } from '../../src/io/safetensors';
import { maxAbsDiff } from './helpers/backend';

const root = ROOT;
const fixture = (name: string, file = '') => join(root, 'tests/fixtures', name, file);


/** A copy of a fixture folder whose model.safetensors is replaced by `bytes`. */
function brokenCopy(name: string, mutate: (bytes: Uint8Array) => Uint8Array, file = 'model.safetensors'): string {
  const dir = mkdtempSync(join(tmpdir(), 'vtp-cli-'));
  copyFileSync(fixture(name, 'config.json'), join(dir, 'config.json'));
  writeFileSync(join(dir, file), mutate(new Uint8Array(readFileSync(fixture(name, 'model.safetensors')))));
  return dir;
}

describe('vtp CLI', () => {
  it('info --json prints one JSON object with per-block dims, params and MACs', async () => {
    const { code, stdout } = await vtp('info', fixture('vtp-slim'), '--json');
    expect(code).toBe(0);
    const info = JSON.parse(stdout);
    expect(info.slim).toBe(true);
    expect(info.blocks).toHaveLength(3);
    expect(info.blocks[1].heads).toEqual([0, 2]);
    expect(info.blocks[1].valueWidths).toEqual([5, 8]);
    expect(info.macs).toBe(info.blocks.reduce((s: number, b: { macs: number }) => s + b.macs, 0) + 16 * 48 * 24 + 24 * 5);
  });

  it('info shows the normalisation, marks a guessed one "assumed", and --mean/--std set it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtp-cli-norm-'));
    const config = JSON.parse(readFileSync(fixture('timm-vit', 'config.json'), 'utf8'));
    delete config.pretrained_cfg.mean;
    delete config.pretrained_cfg.std;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    copyFileSync(fixture('timm-vit', 'model.safetensors'), join(dir, 'model.safetensors'));
    const guessed = await vtp('info', dir);
    expect(guessed.code).toBe(0);
    expect(guessed.stdout).toMatch(/normalisation mean 0\.5, 0\.5, 0\.5, std 0\.5, 0\.5, 0\.5 \(assumed/);
    expect(guessed.stderr).toMatch(/warning: .*assumed mean/);
    expect(JSON.parse((await vtp('info', dir, '--json')).stdout)).toMatchObject({ mean: [0.5, 0.5, 0.5], normalisationAssumed: true });
    const set = JSON.parse((await vtp('info', dir, '--json', '--mean', '0.1,0.2,0.3', '--std', '0.25')).stdout);
    expect(set).toMatchObject({ mean: [0.1, 0.2, 0.3], std: [0.25, 0.25, 0.25], normalisationAssumed: false });
    const given = await vtp('info', fixture('timm-vit'));
    expect(given.stdout).toMatch(/normalisation mean 0\.5, 0\.5, 0\.5, std 0\.5, 0\.5, 0\.5\n/);
    const wrong = await vtp('info', dir, '--mean', '0.1,0.2');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--mean needs 3 values/);
  });

  it('info prints a human table for a timm folder', async () => {
    const { code, stdout } = await vtp('info', fixture('timm-deit-distilled'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/deit_tiny_distilled_patch16_224/);
    expect(stdout).toMatch(/distilled/);
  });

  for (const name of ['timm-deit-distilled', 'hf-v5-deit-teacher']) {
    it(`logits of ${name} match PyTorch within 1e-4 (wasm backend)`, async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'vtp-cli-')), 'logits.safetensors');
      const { code, stderr } = await vtp('logits', fixture(name), '--input', fixture(name, 'reference.safetensors'), '--out', out);
      expect(code, stderr).toBe(0);
      const got = readSafetensors(new Uint8Array(readFileSync(out))).tensors.get('logits')!;
      const ref = readSafetensors(new Uint8Array(readFileSync(fixture(name, 'reference.safetensors')))).tensors.get('logits')!;
      expect(got.shape).toEqual(ref.shape);
      expect(maxAbsDiff(got.data, ref.data)).toBeLessThan(1e-4);
    });
  }

  const failures: [string, () => string, RegExp][] = [
    ['a truncated checkpoint', () => brokenCopy('timm-vit', (b) => b.subarray(0, b.length - 100)), /model\.safetensors/],
    ['a huge header length', () => brokenCopy('timm-vit', (b) => { const c = b.slice(); c[7] = 0x40; return c; }), /header/i],
    ['a pickled checkpoint', () => { const d = mkdtempSync(join(tmpdir(), 'vtp-cli-')); copyFileSync(fixture('timm-vit', 'config.json'), join(d, 'config.json')); writeFileSync(join(d, 'pytorch_model.bin'), Uint8Array.from([0x80, 2, 0x7d, 0x71])); return d; }, /pickle/i],
    ['a missing folder', () => join(tmpdir(), 'no-such-model-folder'), /no-such-model-folder/],
    ['a folder without config.json', () => { const d = mkdtempSync(join(tmpdir(), 'vtp-cli-')); copyFileSync(fixture('timm-vit', 'model.safetensors'), join(d, 'model.safetensors')); return d; }, /config\.json/],
    ['an empty folder', () => { const d = mkdtempSync(join(tmpdir(), 'vtp-cli-')); mkdirSync(join(d, 'x')); return d; }, /model\.safetensors/],
  ];
  for (const [what, make, message] of failures) {
    it(`exits non-zero with one clear line for ${what}`, async () => {
      const { code, stdout, stderr } = await vtp('info', make());
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(message);
    });
  }

  it('exits 2 with usage for a bad command line', async () => {
    expect((await vtp('frobnicate', fixture('timm-vit'))).code).toBe(2);
    expect((await vtp('logits', fixture('timm-vit'))).stderr).toMatch(/--input/);
    expect((await vtp('info', fixture('timm-vit'), '--no-such-flag')).code).toBe(2);
  });
});
