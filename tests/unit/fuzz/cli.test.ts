import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, vtp } from '../helpers/cli';
import { deflateBomb, zipWith } from './bombs';
import { FUZZ_CASES } from './fuzzBudget';
import { DEEP_VALUES, jsonText } from './jsonMutations';

const fixture = (file: string) => join(ROOT, 'tests/fixtures/timm-vit', file);

/** A model folder: the timm-vit fixture with `file` replaced by `bytes`. */
function modelDir(file: string, bytes: Uint8Array | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vtp-fuzz-'));
  for (const name of ['config.json', 'model.safetensors']) copyFileSync(fixture(name), join(dir, name));
  writeFileSync(join(dir, file), bytes);
  return dir;
}

/** A dataset folder holding the given files. */
function dataDir(files: Record<string, Uint8Array | string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vtp-fuzz-data-'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

const weights = new Uint8Array(readFileSync(fixture('model.safetensors')));
const config = JSON.parse(readFileSync(fixture('config.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const hostileConfig = jsonText({ ...config, model_args: { ...config.model_args, embed_dim: DEEP_VALUES[2], in_chans: 1e9 } });
const idxBadMagic = new Uint8Array([0x12, 0x34, 0x08, 0x03, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 7]);
const zipBomb = zipWith([{ name: 'a/1.png', data: deflateBomb([0x89, 0x50, 0x4e, 0x47], 2 ** 28), method: 8, declaredSize: 2_000 }]);

/** One hostile file per command; each makes `vtp` exit 1 with one line on stderr, naming the problem. */
const CASES: [string, () => string[], RegExp][] = [
  ['a truncated model.safetensors (logits)', () => {
    const dir = modelDir('model.safetensors', weights.subarray(0, weights.length - 1000));
    return ['logits', dir, '--input', fixture('reference.safetensors'), '--out', join(dir, 'out.safetensors'), '--backend', 'cpu'];
  }, /model\.safetensors/],
  ['a config.json with 100,000 nested arrays and a billion channels (info)', () => ['info', modelDir('config.json', hostileConfig)], /config\.json/],
  ['an IDX file with a bad magic number (eval)', () => {
    const data = dataDir({ 'train-images-idx3-ubyte': idxBadMagic, 'train-labels-idx1-ubyte': idxBadMagic });
    return ['eval', fixture(''), '--data', data, '--split', 'train', '--backend', 'cpu'];
  }, /bad magic/],
  ['a zip bomb whose entry lies about its size (eval)', () => {
    const data = dataDir({ 'bomb.zip': zipBomb });
    return ['eval', fixture(''), '--data', join(data, 'bomb.zip'), '--backend', 'cpu'];
  }, /declares/],
];

describe('fuzz: the CLI on hostile files', () => {
  it(`exits non-zero with exactly one line on stderr for ${FUZZ_CASES.cli} hostile files`, async () => {
    expect(CASES).toHaveLength(FUZZ_CASES.cli);
    const results = await Promise.all(CASES.map(([, args]) => vtp(...args())));
    results.forEach(({ code, stdout, stderr }, i) => {
      const [what, , message] = CASES[i];
      expect(code, `${what}: ${stderr}`).toBe(1);
      expect(stdout, what).toBe('');
      expect(stderr.trimEnd().split('\n'), `${what}: ${stderr}`).toHaveLength(1);
      expect(stderr, what).toMatch(/^vtp: error: /);
      expect(stderr, what).toMatch(message);
    });
  });
});
