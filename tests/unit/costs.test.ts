import { describe, expect, it } from 'vitest';
import { vitConfig } from '../../src/model/vitConfig';
import { modelCost } from '../../src/prune/costs';
import { expectedShapes } from '../../src/model/vitWeights';
import { sizeOf } from '../../src/model/hostTensor';

const demo = vitConfig({ imageSize: [28, 28], patchSize: 4, inChans: 1, embedDim: 128, depth: 6, numHeads: 4, mlpHidden: 512, numClasses: 10 });

describe('modelCost', () => {
  it('matches the demo model figures of DESIGN.md (1.20M params, 62.9M MACs)', () => {
    const { total } = modelCost(demo);
    expect(total.params / 1e6).toBeCloseTo(1.2, 2);
    expect(total.macs / 1e6).toBeCloseTo(62.9, 1);
  });

  it('matches DeiT-B: 86.6M params, 17.6 GMACs', () => {
    const deitB = vitConfig({});
    const { total } = modelCost(deitB);
    expect(total.params / 1e6).toBeCloseTo(86.6, 1);
    expect(total.macs / 1e9).toBeCloseTo(17.6, 1);
  });

  it('counts exactly the tensors of the checkpoint layout, for full and slim dims', () => {
    const slim = vitConfig({ ...demo, depth: 2, blocks: [
      { qkvIn: [0, 3, 9], heads: [1, 3], valueWidths: [5, 32], fc1In: null, hidden: 17 },
      { qkvIn: null, heads: [0], valueWidths: [1], fc1In: [2, 4], hidden: 1 },
    ] });
    for (const cfg of [demo, slim]) {
      let params = 0;
      for (const shape of expectedShapes(cfg).values()) params += sizeOf(shape);
      expect(modelCost(cfg).total.params).toBe(params);
    }
  });
});
