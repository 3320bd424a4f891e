import { describe, expect, it } from 'vitest';
import { hfConfigFromJson, parseHfConfig } from '../../src/io/hfConfig';
import { expectCheckpointError } from './helpers/syntheticCheckpoint';

const VIT_BASE = {
  architectures: ['ViTForImageClassification'], model_type: 'vit', hidden_size: 768, num_hidden_layers: 12,
  num_attention_heads: 12, intermediate_size: 3072, hidden_act: 'gelu', image_size: 224, patch_size: 16,
  num_channels: 3, layer_norm_eps: 1e-12, qkv_bias: true, id2label: { 1: 'dog', 0: 'cat' },
};

describe('Hugging Face config.json', () => {
  it('reads the ViT fields, class names ordered by id', () => {
    const { config, warnings } = parseHfConfig(VIT_BASE);
    // No preprocessor_config.json: the ViT processor default, marked assumed and said so.
    expect(warnings).toEqual([expect.stringMatching(/^no preprocessor_config\.json: assumed mean 0\.5, 0\.5, 0\.5 and std 0\.5, 0\.5, 0\.5/)]);
    expect(config.normalisationAssumed).toBe(true);
    const given = parseHfConfig(VIT_BASE, { preprocessor: { image_mean: [0.1, 0.2, 0.3], image_std: [0.3, 0.2, 0.1] } });
    expect(given.config).toMatchObject({ mean: [0.1, 0.2, 0.3], std: [0.3, 0.2, 0.1], normalisationAssumed: false });
    expect(given.warnings).toEqual([]);
    expect(config).toMatchObject({
      embedDim: 768, depth: 12, numHeads: 12, headDim: 64, mlpHidden: 3072, imageSize: [224, 224], patchSize: 16,
      inChans: 3, layerNormEps: 1e-12, qkvBias: true, distilled: false, numClasses: 2, classNames: ['cat', 'dog'],
      mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], architecture: 'ViTForImageClassification',
    });
  });

  it('applies transformers defaults and [h, w] image sizes', () => {
    const config = hfConfigFromJson({ model_type: 'vit', architectures: ['ViTModel'], image_size: [32, 48], patch_size: 16 });
    expect(config).toMatchObject({ embedDim: 768, depth: 12, layerNormEps: 1e-12, numClasses: 0, imageSize: [32, 48], classNames: null });
  });

  it('reads DeiT with teacher as distilled, ImageNet stats by default, preprocessor stats when given', () => {
    const deit = { ...VIT_BASE, model_type: 'deit', architectures: ['DeiTForImageClassificationWithTeacher'] };
    expect(hfConfigFromJson(deit)).toMatchObject({ distilled: true, mean: [0.485, 0.456, 0.406] });
    const pre = { image_mean: [0.1, 0.2, 0.3], image_std: [0.3, 0.2, 0.1] };
    expect(hfConfigFromJson(deit, { preprocessor: pre })).toMatchObject({ mean: [0.1, 0.2, 0.3], std: [0.3, 0.2, 0.1] });
  });

  it('drops generic LABEL_n names and checks num_labels', () => {
    expect(hfConfigFromJson({ ...VIT_BASE, id2label: { 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' } })).toMatchObject({ numClasses: 3, classNames: null });
    expectCheckpointError(() => hfConfigFromJson({ ...VIT_BASE, num_labels: 5 }), 'config', 'num_labels');
    expectCheckpointError(() => hfConfigFromJson({ ...VIT_BASE, id2label: { 0: 'a', 2: 'b' } }), 'config', 'id2label');
  });

  it('infers the architecture from the keys when "architectures" is absent', () => {
    const { architectures: _, ...bare } = VIT_BASE;
    expect(hfConfigFromJson(bare, { keys: ['vit.embeddings.cls_token', 'classifier.weight'] }).architecture).toBe('ViTForImageClassification');
    expect(hfConfigFromJson(bare, { keys: ['embeddings.cls_token', 'pooler.dense.weight'] }).numClasses).toBe(0);
    const deit = { ...bare, model_type: 'deit' };
    expect(hfConfigFromJson(deit, { keys: ['distillation_classifier.weight'] }).distilled).toBe(true);
    expectCheckpointError(() => hfConfigFromJson(deit, { keys: ['classifier.weight'] }), 'unsupported', 'DeiTForImageClassification');
  });

  it.each([
    [{ hidden_act: 'gelu_new' }, 'unsupported', 'hidden_act "gelu_new"'],
    [{ model_type: 'swin' }, 'unsupported', 'model_type "swin"'],
    [{ architectures: ['ViTForMaskedImageModeling'] }, 'unsupported', 'masked'],
    [{ architectures: ['BeitForImageClassification'] }, 'unsupported', 'BeitForImageClassification'],
    [{ architectures: ['DeiTModel'] }, 'config', 'model_type'],
    [{ hidden_size: 100 }, 'config', 'not divisible'],
    [{ patch_size: [16, 8] }, 'unsupported', 'non-square'],
    [{ layer_norm_eps: -1 }, 'config', 'layer_norm_eps'],
    [{ num_hidden_layers: '12' }, 'config', 'num_hidden_layers'],
  ] as const)('refuses %j', (patch, code, words) => {
    expectCheckpointError(() => hfConfigFromJson({ ...VIT_BASE, ...patch }), code, words);
  });
});
