import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointFile } from '../../../src/io/checkpoint';
import { CheckpointError } from '../../../src/io/checkpointError';
import { projectModelFiles } from '../../../src/io/projectModel';
import { writeSafetensors } from '../../../src/io/safetensors';
import type { HostTensors } from '../../../src/model/hostTensor';
import { expectedShapes } from '../../../src/model/vitWeights';
import { importModel } from '../../../src/worker/modelOps';
import { EngineSession } from '../../../src/worker/session';
import { useCpuBackend } from '../helpers/backend';
import { canonicalTensors, folder, hfJson, jsonBytes, timmJson, tinyConfig, toHf, toTimm } from '../helpers/syntheticCheckpoint';
import { mutatedBytes } from './byteMutations';
import { FUZZ_CASES } from './fuzzBudget';
import { fuzz, runCase, split, type CaseOutcome } from './fuzzHarness';
import { jsonText, mutatedJson } from './jsonMutations';

/** A checkpoint folder as its config object and source tensors (before serialisation). */
interface Seed { config: Record<string, unknown>; tensors: HostTensors }

const cfg = tinyConfig();
const distilled = tinyConfig({ distilled: true, qkvBias: false });
const projectTensors = canonicalTensors(cfg, 5);
const project = projectModelFiles(cfg, projectTensors);
const SEEDS: Seed[] = [
  { config: timmJson(cfg), tensors: toTimm(canonicalTensors(cfg, 1)) },
  { config: hfJson(cfg, 'ViTForImageClassification'), tensors: toHf(canonicalTensors(cfg, 2), 'v4', 'vit.', false) },
  { config: hfJson(distilled, 'DeiTForImageClassificationWithTeacher'), tensors: toHf(canonicalTensors(distilled, 3), 'v5', 'deit.', true) },
  { config: JSON.parse(project['config.json']), tensors: projectTensors },
];

const session = new EngineSession();
let base: ReturnType<typeof importModel>;
let baseline = 0;

beforeAll(async () => {
  await useCpuBackend();
  base = importModel(session, folder(SEEDS[0].config, SEEDS[0].tensors), 'base');
  session.params();
  baseline = tf.memory().numTensors;
});

/**
 * Imports `files` into a session whose model already has its tensors built. A refused import must
 * leave the tensor count and the loaded model unchanged (refused before any tensor is built); an
 * accepted one must hold exactly the expected tensors and build.
 */
function importCase(files: CheckpointFile[]): CaseOutcome<unknown> {
  if (session.model !== base) session.setModel(base);
  session.params();
  const before = tf.memory().numTensors;
  const outcome = runCase(() => importModel(session, files, 'fuzzed'), [CheckpointError]);
  if (!outcome.ok) {
    expect(tf.memory().numTensors).toBe(before);
    expect(session.model).toBe(base);
    return outcome;
  }
  const { config, host } = session.requireModel();
  const expected = expectedShapes(config);
  expect([...host.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, shape] of expected) expect(host.get(name)!.shape, name).toEqual(shape);
  for (const t of host.values()) expect(t.data.every(Number.isFinite)).toBe(true);
  session.params();
  return outcome;
}

const NON_FINITE = [NaN, Infinity, -Infinity];

/** One weight of one seed set to NaN or +-Inf. */
const nonFinite = fc.tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.nat(), fc.constantFrom(...NON_FINITE)).map(
  ([seed, which, at, value]) => {
    const names = [...seed.tensors.keys()];
    const name = names[which % names.length];
    const tensors = new Map(seed.tensors);
    const t = tensors.get(name)!;
    const data = t.data.slice();
    data[at % data.length] = value;
    tensors.set(name, { shape: t.shape, data });
    return { name, files: folder(seed.config, tensors) };
  });

/** The config of a seed mutated (values, types, nesting, size) while its weights stay as they are. */
const hostileConfig = fc.constantFrom(...SEEDS).chain((seed) => {
  const weights = { name: 'model.safetensors', bytes: writeSafetensors(seed.tensors) };
  return mutatedJson([seed.config], [['num_labels'], ['model_args', 'in_chans']])
    .map((config) => [{ name: 'config.json', bytes: new TextEncoder().encode(jsonText(config)) }, weights]);
});

type TensorEdit = 'delete' | 'rename' | 'transpose' | 'add' | 'add-huge-name';

/** The weights of a seed with one tensor removed, renamed, transposed or one added. */
const editedWeights = fc.tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.constantFrom<TensorEdit>('delete', 'rename', 'transpose', 'add', 'add-huge-name'))
  .map(([seed, which, edit]) => {
    const tensors = new Map(seed.tensors);
    const name = [...tensors.keys()][which % tensors.size];
    const t = tensors.get(name)!;
    if (edit === 'delete' || edit === 'rename') tensors.delete(name);
    if (edit === 'rename') tensors.set(`${name}.renamed`, t);
    if (edit === 'transpose') tensors.set(name, { shape: [...t.shape].reverse(), data: t.data });
    if (edit === 'add') tensors.set('extra.weight', { shape: [2, 2], data: new Float32Array(4) });
    if (edit === 'add-huge-name') tensors.set('x'.repeat(10_000), { shape: [1], data: new Float32Array(1) });
    return { edit, square: t.shape.length < 2 || t.shape.every((d) => d === t.shape[0]), files: folder(seed.config, tensors) };
  });

/** The serialised weights of a seed corrupted byte by byte. */
const corruptWeights = fc.constantFrom(...SEEDS).chain((seed) => mutatedBytes([writeSafetensors(seed.tensors)])
  .map((bytes) => [{ name: 'config.json', bytes: jsonBytes(seed.config) }, { name: 'model.safetensors', bytes }]));

describe('fuzz: checkpoint import (config against weights, NaN/Inf, refusal before any tensor is built)', () => {
  it(`survives ${FUZZ_CASES.checkpointImport} hostile checkpoint folders`, () => {
    const [nan, config, weights, bytes] = split(FUZZ_CASES.checkpointImport, 4);
    let runs = fuzz(nonFinite, nan, ({ name, files }) => {
      const outcome = importCase(files);
      expect(outcome.ok ? 'accepted' : outcome.error.code).toBe('values');
      if (!outcome.ok) expect(outcome.error.message).toContain(name);
    });
    runs += fuzz(hostileConfig, config, importCase);
    runs += fuzz(editedWeights, weights, ({ edit, square, files }) => {
      const outcome = importCase(files);
      if (edit === 'transpose' && square) return;
      expect(outcome.ok ? 'accepted' : outcome.error.code).toMatch(/^(missing-key|unexpected-key|shape|config)$/);
    });
    runs += fuzz(corruptWeights, bytes, importCase);
    expect(runs).toBe(FUZZ_CASES.checkpointImport);
    session.setModel(base);
    session.params();
    expect(tf.memory().numTensors, 'tensors leaked across the cases').toBe(baseline);
  });
});
