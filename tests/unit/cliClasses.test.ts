import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ROOT, vtp } from './helpers/cli';

const model = join(ROOT, 'public/models/fmnist-vit-s');

/** A 28x28 grayscale PNG with a pattern. */
function png(seed: number): Buffer {
  const image = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  image.data = Buffer.from(Array.from({ length: 28 * 28 }, (_, i) => (i * (seed + 3) + seed * 17) % 256));
  return PNG.sync.write(image, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/** A folder with `n` images in each of `classes`. */
function folder(classes: string[], n: number): string {
  const root = mkdtempSync(join(tmpdir(), 'vtp-classes-'));
  classes.forEach((cls, c) => {
    mkdirSync(join(root, cls));
    for (let i = 0; i < n; i++) writeFileSync(join(root, cls, `${i}.png`), png(c * 100 + i));
  });
  return root;
}

/** Error lines of a run (`vtp: ...`). */
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('vtp:'));

describe('vtp: dataset classes matched to the model, never silently', () => {
  const pets = folder(['cat', 'dog'], 5);

  it('refuses unknown class names with one line naming them and the ways out', async () => {
    for (const command of [['eval'], ['prune', '--criterion', 'magnitude', '--rate', '0.2', '--out', join(pets, 'slim')], ['scores', '--target', 'labels', '--steps', '1', '--out', join(pets, 's.safetensors')]]) {
      const r = await vtp(command[0], model, '--data', pets, ...command.slice(1));
      expect(r.code, r.stderr).toBe(1);
      const lines = errorLines(r.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^vtp: error: the dataset classes cat, dog match none of the model's classes .*--class-map .*--match-by-position/);
    }
  });

  it('pairs classes by position when asked', async () => {
    const r = await vtp('eval', model, '--data', pets, '--match-by-position', '--split', 'all', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).n).toBe(10);
    expect(r.stderr).toMatch(/paired by position: cat -> T-shirt\/top, dog -> Trouser/);
  });

  it('reads a class map, and refuses a bad one with a clear line', async () => {
    const good = join(pets, 'map.json');
    writeFileSync(good, JSON.stringify({ cat: 'Bag', dog: 'ankle_boot' }));
    const ok = await vtp('eval', model, '--data', pets, '--class-map', good, '--split', 'all', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).n).toBe(10);
    const cases: [string, RegExp][] = [
      ['{"cat": "Bag",', /is not valid JSON/],
      ['{"cow": "Bag"}', /dataset classes the dataset does not have: "cow"/],
      ['{"cat": "Tiger"}', /model classes the model does not have .*"Tiger"/],
      ['{"cat": "Bag"}', /the dataset classes dog match none/],
    ];
    for (const [text, message] of cases) {
      const file = join(pets, 'bad.json');
      writeFileSync(file, text);
      const r = await vtp('eval', model, '--data', pets, '--class-map', file);
      expect(r.code, text).toBe(1);
      expect(errorLines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    const missing = await vtp('eval', model, '--data', pets, '--class-map', join(pets, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--class-map .*nope\.json: no such file/);
  });
});

describe('vtp: one seeded stratified split for class folders', () => {
  const shop = folder(['T-shirt_top', 'Ankle_boot'], 10);

  it('eval --split val measures only the held-out part, train the rest, all every image', async () => {
    const n = async (...args: string[]) => {
      const r = await vtp('eval', model, '--data', shop, ...args, '--json');
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).n as number;
    };
    expect(await n('--split', 'val')).toBe(4); // 20% of 10 per class
    expect(await n()).toBe(4); // the default (test) is the same held-out part
    expect(await n('--split', 'train')).toBe(16);
    expect(await n('--split', 'all')).toBe(20);
    expect(await n('--split', 'val', '--val-fraction', '0.5')).toBe(10);
  });

  it('scores trains on the training part', async () => {
    const r = await vtp('scores', model, '--data', shop, '--target', 'labels', '--steps', '1', '--batch', '4', '--out', join(shop, 's.safetensors'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/the training part of a stratified split \(val fraction 0\.2, seed 0\): 16 images/);
  });

  it('refuses --split all for IDX-style data and bad split options', async () => {
    const all = await vtp('eval', model, '--data', 'sample', '--split', 'all');
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/split "all" is for class folders and zips/);
    const frac = await vtp('eval', model, '--data', shop, '--val-fraction', '1.5');
    expect(frac.code).toBe(2);
    expect(frac.stderr).toMatch(/--val-fraction must be between 0 and 1/);
  });
});
