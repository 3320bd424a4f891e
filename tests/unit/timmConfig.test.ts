import { describe, expect, it } from 'vitest';
import { timmArchitectureDefaults } from '../../src/io/timmArchitectures';
import { parseTimmConfig, timmConfigFromJson } from '../../src/io/timmConfig';
import { expectCheckpointError } from './helpers/syntheticCheckpoint';

describe('timm architecture table', () => {
  it.each([
    ['vit_tiny_patch16_224', 192, 12, 3, 16, 224],
    ['vit_small_patch32_384', 384, 12, 6, 32, 384],
    ['vit_base_patch8_224', 768, 12, 12, 8, 224],
    ['vit_large_patch14_224', 1024, 24, 16, 14, 224],
    ['vit_huge_patch14_224', 1280, 32, 16, 14, 224],
    ['deit_base_patch16_384', 768, 12, 12, 16, 384],
    ['vit_base_patch16_224.augreg2_in21k_ft_in1k', 768, 12, 12, 16, 224],
  ])('%s', (name, embedDim, depth, numHeads, patchSize, imgSize) => {
    expect(timmArchitectureDefaults(name)).toMatchObject({ known: true, embedDim, depth, numHeads, patchSize, imgSize, distilled: false });
  });

  it('knows distilled DeiT and rejects combinations timm does not have', () => {
    expect(timmArchitectureDefaults('deit_small_distilled_patch16_224')).toMatchObject({ known: true, distilled: true, embedDim: 384 });
    expect(timmArchitectureDefaults('deit_large_patch16_224').known).toBe(false);
    expect(timmArchitectureDefaults('vit_base_distilled_patch16_224').known).toBe(false);
    expect(timmArchitectureDefaults('vit_base_patch16_clip_224').known).toBe(false);
  });

  it('parses patch and image size from unknown names', () => {
    const d = timmArchitectureDefaults('vit_fmnist_s_patch4_28');
    expect(d).toMatchObject({ known: false, patchSize: 4, imgSize: 28 });
    expect(d.embedDim).toBeUndefined();
  });
});

describe('timm config.json', () => {
  it('builds a config from the name alone, with pretrained_cfg stats', () => {
    const { config, warnings } = parseTimmConfig({
      architecture: 'vit_base_patch16_384', num_classes: 1000, global_pool: 'token',
      pretrained_cfg: { input_size: [3, 384, 384], mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    });
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      embedDim: 768, depth: 12, numHeads: 12, headDim: 64, mlpHidden: 3072, imageSize: [384, 384], patchSize: 16,
      inChans: 3, numClasses: 1000, layerNormEps: 1e-6, qkvBias: true, distilled: false, architecture: 'vit_base_patch16_384',
    });
  });

  it('lets model_args override the table and input_size set the image size', () => {
    const config = timmConfigFromJson({
      architecture: 'vit_small_patch16_224', num_classes: 10,
      model_args: { depth: 6, mlp_ratio: 2, in_chans: 1, qkv_bias: false, drop_path_rate: 0.1 },
      pretrained_cfg: { input_size: [1, 64, 48], mean: [0.286], std: [0.353] },
      label_names: Array.from({ length: 10 }, (_, i) => `c${i}`),
    });
    expect(config).toMatchObject({ embedDim: 384, depth: 6, mlpHidden: 768, inChans: 1, imageSize: [64, 48], qkvBias: false, mean: [0.286] });
    expect(config.classNames).toHaveLength(10);
    const args = timmConfigFromJson({ architecture: 'vit_small_patch16_224', model_args: { img_size: [32, 64] }, pretrained_cfg: { input_size: [3, 224, 224] } });
    expect(args.imageSize).toEqual([32, 64]);
  });

  it('uses ImageNet stats for DeiT and label_descriptions for names', () => {
    const config = timmConfigFromJson({
      architecture: 'deit_tiny_distilled_patch16_224', num_classes: 2, label_descriptions: { n1: 'cat', n2: 'dog' },
    });
    expect(config).toMatchObject({ distilled: true, mean: [0.485, 0.456, 0.406], classNames: ['cat', 'dog'] });
  });

  it('needs model_args for an unknown architecture, naming the missing ones', () => {
    expectCheckpointError(() => timmConfigFromJson({ architecture: 'my_vit' }), 'config',
      '"my_vit"', '"embed_dim", "depth", "num_heads"', 'model_args');
    const cfg = timmConfigFromJson({ architecture: 'my_vit_patch4_28', model_args: { embed_dim: 64, depth: 2, num_heads: 4, in_chans: 1 } });
    expect(cfg).toMatchObject({ patchSize: 4, imageSize: [28, 28], mean: [0.5], numClasses: 1000 });
  });

  it('lets the numHeads option win, with a warning', () => {
    const { config, warnings } = parseTimmConfig({ architecture: 'vit_base_patch16_224' }, { numHeads: 8 });
    expect(config.numHeads).toBe(8);
    expect(config.headDim).toBe(96);
    expect(warnings[0]).toContain('overrides');
    expectCheckpointError(() => timmConfigFromJson({ architecture: 'vit_base_patch16_224' }, { numHeads: 7 }), 'config', 'not divisible');
  });

  it.each([
    [{ global_pool: 'avg' }, 'global_pool'],
    [{ class_token: false }, 'class_token'],
    [{ no_embed_class: true }, 'no_embed_class'],
    [{ pre_norm: true }, 'pre_norm'],
    [{ fc_norm: true }, 'fc_norm'],
    [{ reg_tokens: 4 }, 'reg_tokens'],
    [{ init_values: 1e-5 }, 'LayerScale'],
    [{ qk_norm: true }, 'qk_norm'],
    [{ act_layer: 'quick_gelu' }, 'GELU'],
  ])('refuses unsupported model_args %j', (args, words) => {
    expectCheckpointError(() => timmConfigFromJson({ architecture: 'vit_base_patch16_224', model_args: args }), 'unsupported', words);
  });

  it('refuses a top-level global_pool other than token, and deit3', () => {
    expectCheckpointError(() => timmConfigFromJson({ architecture: 'vit_base_patch16_224', global_pool: 'avg' }), 'unsupported', '"global_pool"');
    expectCheckpointError(() => timmConfigFromJson({ architecture: 'deit3_base_patch16_224' }), 'unsupported', 'LayerScale');
  });

  it('accepts harmless options and warns about unknown ones', () => {
    const { warnings } = parseTimmConfig({
      architecture: 'vit_base_patch16_224',
      model_args: { dynamic_img_size: true, fc_norm: null, init_values: null, reg_tokens: 0, frobnicate: 1 },
    });
    expect(warnings).toEqual([
      'model_args.frobnicate is not known to the studio and was ignored.',
      'config.json gives no pretrained_cfg mean/std: assumed mean 0.5, 0.5, 0.5 and std 0.5, 0.5, 0.5; set them if the model was trained with others.',
    ]);
  });

  it('marks the normalisation assumed when pretrained_cfg has no mean/std, and given when it has', () => {
    const guessed = parseTimmConfig({ architecture: 'deit_small_patch16_224' }).config;
    expect(guessed).toMatchObject({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], normalisationAssumed: true });
    const given = parseTimmConfig({ architecture: 'deit_small_patch16_224', pretrained_cfg: { mean: [0.1, 0.2, 0.3], std: [0.4, 0.5, 0.6] } });
    expect(given.config).toMatchObject({ mean: [0.1, 0.2, 0.3], std: [0.4, 0.5, 0.6], normalisationAssumed: false });
    expect(given.warnings.filter((w) => w.includes('assumed'))).toEqual([]);
  });

  it('validates field types and cross-field consistency', () => {
    expectCheckpointError(() => timmConfigFromJson({ architecture: 42 } as never), 'config', '"architecture"');
    expectCheckpointError(() => timmConfigFromJson({ architecture: 'vit_base_patch16_224', model_args: { depth: 0 } }), 'config', 'model_args.depth');
    expectCheckpointError(() => timmConfigFromJson({ architecture: 'vit_base_patch16_224', model_args: { img_size: 100 } }), 'config', 'multiple of patch size');
    expectCheckpointError(() => timmConfigFromJson({
      architecture: 'vit_base_patch16_224', pretrained_cfg: { mean: [0.1, 0.2] },
    }), 'config', 'mean has 2 values');
    expectCheckpointError(() => timmConfigFromJson({
      architecture: 'vit_base_patch16_224', model_args: { in_chans: 1 }, pretrained_cfg: { input_size: [3, 224, 224] },
    }), 'config', 'in_chans');
  });
});
