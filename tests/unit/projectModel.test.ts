import { beforeAll, describe, expect, it } from 'vitest';
import { importCheckpoint } from '../../src/io/checkpoint';
import { CheckpointError } from '../../src/io/checkpointError';
import { projectModelFiles } from '../../src/io/projectModel';
import { readScoreFile, scoreFileBytes } from '../../src/io/scoreFile';
import { writeSafetensors } from '../../src/io/safetensors';
import { vitConfig } from '../../src/model/vitConfig';
import { randomVitTensors } from '../../src/model/vitInit';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { paramsToHost } from '../../src/model/paramsToHost';
import { pruneModel } from '../../src/prune/pruneModel';
import { onesScores } from '../../src/prune/scoreSet';
import { useCpuBackend } from './helpers/backend';

beforeAll(useCpuBackend);

const cfg = vitConfig({ imageSize: [8, 12], patchSize: 4, inChans: 3, embedDim: 12, depth: 2, numHeads: 3, mlpHidden: 20, numClasses: 4, distilled: true, classNames: ['a', 'b', 'c', 'd'] });
const host = randomVitTensors(cfg, { seed: 2, weightStd: 0.3, biasStd: 0.1 });
const scores = onesScores(cfg);
scores.blocks.forEach((b, i) => { b.attn = b.attn.map((_, j) => (j * 7 + i) % 11); b.hidden = b.hidden.map((_, j) => (j * 5 + i) % 13); });
const slim = pruneModel(cfg, host, scores, { rate: 0.4 });

describe('project model format', () => {
  it('a slim model saved in the project format imports back with the same dims and weights', () => {
    const files = projectModelFiles(slim.config, slim.tensors);
    const back = importCheckpoint([
      { name: 'config.json', bytes: new TextEncoder().encode(files['config.json']) },
      { name: 'model.safetensors', bytes: files['model.safetensors'] },
    ]);
    expect(back.source).toBe('vtp');
    expect(back.config.blocks).toEqual(slim.config.blocks);
    expect(back.config.classNames).toEqual(cfg.classNames);
    for (const [key, t] of slim.tensors) expect(Array.from(back.tensors.get(key)!.data)).toEqual(Array.from(t.data));
  });

  it('paramsToHost inverts vitParams exactly for a slim model with padded heads', async () => {
    const params = vitParams(slim.config, slim.tensors);
    const back = await paramsToHost(params);
    disposeVitParams(params);
    expect([...back.keys()].sort()).toEqual([...slim.tensors.keys()].sort());
    for (const [key, t] of slim.tensors) {
      expect(back.get(key)!.shape, key).toEqual(t.shape);
      expect(Array.from(back.get(key)!.data), key).toEqual(Array.from(t.data));
    }
  });
});

describe('score files', () => {
  it('round-trip', () => {
    const back = readScoreFile(scoreFileBytes(scores), cfg);
    back.blocks.forEach((b, i) => expect(Array.from(b.hidden)).toEqual(Array.from(scores.blocks[i].hidden)));
  });

  const bad: [string, () => Uint8Array, RegExp][] = [
    ['an empty file', () => writeSafetensors(new Map()), /holds no scores/],
    ['scores of a deeper model', () => scoreFileBytes({ blocks: [...scores.blocks, scores.blocks[0]] }), /blocks\.2\.gate\.\w+, which this model does not have/],
    ['scores of a shallower model', () => scoreFileBytes({ blocks: [scores.blocks[0]] }), /no blocks\.1\.gate\.qkv/],
    ['scores of another width', () => scoreFileBytes({ blocks: scores.blocks.map((b) => ({ ...b, hidden: new Float32Array(7) })) }), /blocks\.0\.gate\.hidden has shape \[7\], the model has 20 dims/],
    ['NaN scores', () => scoreFileBytes({ blocks: scores.blocks.map((b) => ({ ...b, fc1: new Float32Array(12).fill(NaN) })) }), /blocks\.0\.gate\.fc1\[0\] is NaN/],
  ];
  for (const [what, make, message] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => readScoreFile(make(), cfg)).toThrow(CheckpointError);
      expect(() => readScoreFile(make(), cfg)).toThrow(message);
    });
  }
});
