import { describe, expect, it } from 'vitest';
import { projectConfigFromJson, projectConfigToJson } from '../../src/io/projectConfig';
import { expectCheckpointError, tinyConfig } from './helpers/syntheticCheckpoint';

const SLIM = tinyConfig({
  blocks: [
    { qkvIn: [0, 1, 5], heads: [0], valueWidths: [2], fc1In: null, hidden: 4 },
    { qkvIn: null, heads: [0, 1], valueWidths: [4, 1], fc1In: [3, 4], hidden: 16 },
  ],
  classNames: ['a', 'b', 'c'],
  mean: [0.1, 0.2, 0.3],
  std: [0.4, 0.5, 0.6],
});

/** The JSON of SLIM with one field changed (deep copy). */
function edited(edit: (json: Record<string, any>) => void): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(projectConfigToJson(SLIM)));
  edit(json);
  return json;
}

describe('studio config.json', () => {
  it('round-trips full and slim configs', () => {
    expect(projectConfigFromJson(JSON.parse(JSON.stringify(projectConfigToJson(SLIM))))).toEqual(SLIM);
    const full = tinyConfig();
    expect(projectConfigFromJson(JSON.parse(JSON.stringify(projectConfigToJson(full))))).toEqual(full);
    expect(projectConfigToJson(SLIM)).toMatchObject({
      format: 'vit-pruning-studio', format_version: 1, img_size: [8, 8], head_dim: 4,
      pretrained_cfg: { input_size: [3, 8, 8] }, block_dims: [{ qkv_in: [0, 1, 5], value_widths: [2] }, { fc1_in: [3, 4] }],
    });
  });

  it('carries an assumed normalisation through export and import', () => {
    const assumed = { ...SLIM, normalisationAssumed: true };
    const json = JSON.parse(JSON.stringify(projectConfigToJson(assumed)));
    expect(json.pretrained_cfg.normalisation_assumed).toBe(true);
    expect(projectConfigFromJson(json)).toEqual(assumed);
    expect(projectConfigToJson(SLIM).pretrained_cfg).not.toHaveProperty('normalisation_assumed');
  });

  it('refuses a newer format_version as unsupported', () => {
    expectCheckpointError(() => projectConfigFromJson(edited((j) => { j.format_version = 2; })), 'unsupported', 'newer version');
  });

  it('reads removed sublayers (heads [], hidden 0) and dropped blocks', () => {
    const cfg = projectConfigFromJson(edited((j) => {
      Object.assign(j.block_dims[0], { heads: [], value_widths: [], qkv_in: [] });
      Object.assign(j.block_dims[1], { hidden: 0, fc1_in: null });
      j.dropped_blocks = [0, 3];
    }));
    expect(cfg.blocks![0]).toMatchObject({ heads: [], valueWidths: [], qkvIn: [] });
    expect(cfg.blocks![1]).toMatchObject({ hidden: 0, fc1In: [] });
    expect(cfg.droppedBlocks).toEqual([0, 3]);
  });

  it.each([
    ['format', (j: any) => { j.format = 'other'; }, '"format"'],
    ['embed_dim', (j: any) => { j.embed_dim = 0; }, '"embed_dim"'],
    ['qkv_bias type', (j: any) => { j.qkv_bias = 'yes'; }, '"qkv_bias"'],
    ['block count', (j: any) => { j.block_dims.pop(); }, 'depth is 2'],
    ['index range', (j: any) => { j.block_dims[0].qkv_in = [0, 8]; }, 'block_dims[0].qkv_in'],
    ['index order', (j: any) => { j.block_dims[1].fc1_in = [4, 3]; }, 'ascending'],
    ['duplicate index', (j: any) => { j.block_dims[1].fc1_in = [3, 3]; }, 'unique'],
    ['empty index list', (j: any) => { j.block_dims[0].qkv_in = []; }, 'at least one'],
    ['removed attention with value widths', (j: any) => { j.block_dims[0].heads = []; }, 'heads has 0'],
    ['head range', (j: any) => { j.block_dims[0].heads = [2]; }, 'block_dims[0].heads'],
    ['value widths length', (j: any) => { j.block_dims[1].value_widths = [4]; }, 'value_widths'],
    ['value width range', (j: any) => { j.block_dims[1].value_widths = [4, 5]; }, '1..4'],
    ['hidden', (j: any) => { j.block_dims[0].hidden = -1; }, 'hidden'],
    ['dropped block range', (j: any) => { j.dropped_blocks = [3]; }, 'dropped_blocks'],
    ['dropped block order', (j: any) => { j.dropped_blocks = [1, 0]; }, 'ascending'],
    ['label count', (j: any) => { j.label_names = ['a']; }, 'label_names'],
    ['input_size', (j: any) => { j.pretrained_cfg.input_size = [1, 8, 8]; }, 'input_size'],
    ['std', (j: any) => { j.pretrained_cfg.std = [1, 0, 1]; }, 'std'],
    ['missing mean', (j: any) => { delete j.pretrained_cfg.mean; }, 'mean'],
  ])('refuses a bad %s', (_what, edit, words) => {
    expectCheckpointError(() => projectConfigFromJson(edited(edit)), 'config', words);
  });
});
