import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../src/io/checkpointError';
import { parseConfigJson } from '../../../src/io/configJson';
import { parseHfConfig } from '../../../src/io/hfConfig';
import { projectConfigFromJson } from '../../../src/io/projectConfig';
import { readSafetensorsHeader } from '../../../src/io/safetensors';
import { parseTimmConfig } from '../../../src/io/timmConfig';
import type { VitConfig } from '../../../src/model/vitConfig';
import { ROOT } from '../helpers/cli';
import { mutatedBytes } from './byteMutations';
import { FUZZ_CASES } from './fuzzBudget';
import { fuzz, runCase, split } from './fuzzHarness';
import { jsonText, mutatedJson } from './jsonMutations';

type Flavour = 'timm' | 'hf' | 'project';

const fixture = (dir: string, file: string) => new Uint8Array(readFileSync(`${ROOT}tests/fixtures/${dir}/${file}`));
const json = (dir: string, file = 'config.json') => JSON.parse(new TextDecoder().decode(fixture(dir, file))) as unknown;
const keysOf = (dir: string) => readSafetensorsHeader(fixture(dir, 'model.safetensors')).entries.map((e) => e.name);

/** Valid configs of every flavour (the test fixtures), with the tensor names of their weights. */
const SEEDS: { flavour: Flavour; dir: string }[] = [
  { flavour: 'timm', dir: 'timm-vit' }, { flavour: 'timm', dir: 'timm-deit-distilled' },
  { flavour: 'hf', dir: 'hf-v4-vit' }, { flavour: 'hf', dir: 'hf-v5-deit-teacher' },
  { flavour: 'project', dir: 'vtp-slim' },
];
const KEYS = new Map(SEEDS.map((s) => [s.dir, keysOf(s.dir)]));
const PREPROCESSOR = json('hf-v4-vit', 'preprocessor_config.json');

/** Optional fields the fixtures lack, so that they get hostile values too. */
const EXTRA_PATHS: Record<Flavour, (string | number)[][]> = {
  timm: [
    ['model_args', 'global_pool'], ['model_args', 'in_chans'], ['model_args', 'qkv_bias'], ['model_args', 'num_classes'],
    ['model_args', 'reg_tokens'], ['label_descriptions'], ['pretrained_cfg', 'input_size', 0], ['architecture'],
  ],
  hf: [['num_labels'], ['id2label', '7'], ['num_channels'], ['architectures', 0], ['image_size'], ['model_type']],
  project: [['block_dims', 1, 'qkv_in', 0], ['block_dims', 0, 'value_widths'], ['label_names', 9], ['format_version']],
};

/** Parses config bytes as the importer does for this flavour. */
function parseAs(flavour: Flavour, dir: string, bytes: Uint8Array, preprocessor?: Uint8Array): VitConfig {
  const parsed = parseConfigJson(bytes, 'config.json');
  const keys = KEYS.get(dir);
  if (flavour === 'timm') return parseTimmConfig(parsed, { keys }).config;
  if (flavour === 'project') return projectConfigFromJson(parsed);
  const pre = preprocessor && parseConfigJson(preprocessor, 'preprocessor_config.json');
  return parseHfConfig(parsed, { keys, preprocessor: pre }).config;
}

const isDim = (n: number, min = 1) => Number.isSafeInteger(n) && n >= min;

/** The invariants every VitConfig the parsers return must meet. */
function expectValidConfig(cfg: VitConfig): void {
  const dims = [cfg.patchSize, cfg.inChans, cfg.embedDim, cfg.depth, cfg.numHeads, cfg.headDim, cfg.mlpHidden, ...cfg.imageSize];
  expect(dims.every((d) => isDim(d)), `dims ${dims}`).toBe(true);
  expect(isDim(cfg.numClasses, 0)).toBe(true);
  expect(cfg.imageSize.every((s) => s % cfg.patchSize === 0)).toBe(true);
  expect(cfg.layerNormEps > 0 && Number.isFinite(cfg.layerNormEps)).toBe(true);
  expect(cfg.mean).toHaveLength(cfg.inChans);
  expect(cfg.std).toHaveLength(cfg.inChans);
  expect(cfg.mean.every(Number.isFinite) && cfg.std.every((s) => s > 0 && Number.isFinite(s))).toBe(true);
  if (cfg.classNames) expect(cfg.classNames).toHaveLength(cfg.numClasses);
  if (cfg.blocks) expect(cfg.blocks).toHaveLength(cfg.depth);
}

function configCase(flavour: Flavour, dir: string, bytes: Uint8Array, preprocessor?: Uint8Array): void {
  const outcome = runCase(() => parseAs(flavour, dir, bytes, preprocessor), [CheckpointError]);
  if (outcome.ok) expectValidConfig(outcome.value);
}

const encode = (value: unknown) => new TextEncoder().encode(jsonText(value));

/** A seed's config mutated at the JSON level, then (sometimes) at the byte level. */
function mutatedConfig(seed: { flavour: Flavour; dir: string }): fc.Arbitrary<Uint8Array> {
  const edited = mutatedJson([json(seed.dir)], EXTRA_PATHS[seed.flavour]).map(encode);
  return fc.oneof({ weight: 3, arbitrary: edited }, { weight: 1, arbitrary: edited.chain((b) => mutatedBytes([b], 2)) });
}

describe('fuzz: config.json parsers', () => {
  it(`survives ${FUZZ_CASES.configJson} corrupted timm, Hugging Face and project configs`, () => {
    const budgets = split(FUZZ_CASES.configJson, SEEDS.length + 1);
    let runs = 0;
    SEEDS.forEach((seed, i) => {
      runs += fuzz(mutatedConfig(seed), budgets[i], (bytes) => configCase(seed.flavour, seed.dir, bytes));
    });
    const pre = mutatedJson([PREPROCESSOR], [['image_mean', 3], ['do_normalize']]).map(encode);
    const config = fixture('hf-v4-vit', 'config.json');
    runs += fuzz(pre, budgets[SEEDS.length], (bytes) => configCase('hf', 'hf-v4-vit', config, bytes));
    expect(runs).toBe(FUZZ_CASES.configJson);
  });

  it('refuses an enormous config.json (17 MiB) before parsing it', () => {
    const bytes = new Uint8Array(17 * 2 ** 20).fill(0x20);
    bytes.set(fixture('hf-v4-vit', 'config.json'));
    const outcome = runCase(() => parseAs('hf', 'hf-v4-vit', bytes), [CheckpointError]);
    expect(outcome.ok ? 'accepted' : outcome.error.message).toMatch(/limit/);
  });
});
