/**
 * The human side of an export: an automatic summary (dims, params, MACs, prune rate) that goes into
 * report.json, and a README.md that says what the files are and how to load them.
 */
import { blockDimsAt, hasAttention, hasMlp, type HeadOrigin, type VitConfig } from '../../model/vitConfig';
import { projectConfigToJson } from '../projectConfig';
import { modelCost } from '../../prune/costs';
import { classNamesOf, preprocessingJson } from './exportMetadata';
import { PRODUCER_NAME, PRODUCER_VERSION } from './producer';

/** Export formats: project safetensors, ONNX, TF.js graph model, PyTorch (project + vtp_torch.py), timm. */
export type ExportFormat = 'safetensors' | 'onnx' | 'tfjs' | 'torch' | 'timm';

/** Fraction of VTP-gated dims (qkv, attn, fc1, hidden of every block) removed relative to the full model, in [0, 1). */
export function prunedFraction(cfg: VitConfig): number {
  let kept = 0;
  const dropped = cfg.droppedBlocks?.length ?? 0;
  let total = dropped * (2 * cfg.embedDim + cfg.numHeads * cfg.headDim + cfg.mlpHidden); // dropped blocks keep nothing
  for (let i = 0; i < cfg.depth; i++) {
    const b = blockDimsAt(cfg, i);
    total += 2 * cfg.embedDim + cfg.numHeads * cfg.headDim + cfg.mlpHidden;
    kept += (b.qkvIn?.length ?? cfg.embedDim) + (b.fc1In?.length ?? cfg.embedDim) + b.valueWidths.reduce((a, v) => a + v, 0) + b.hidden;
  }
  return total > 0 ? 1 - kept / total : 0;
}

/** What the exporter knows about the model: name, format, rate, params and MACs (per image), per-block dims. */
export function exportSummary(cfg: VitConfig, model: string, rate: number, format: ExportFormat): object {
  const cost = modelCost(cfg);
  const full = modelCost({ ...cfg, depth: cfg.depth + (cfg.droppedBlocks?.length ?? 0), blocks: null });
  return {
    model, format, rate, producer: `${PRODUCER_NAME} ${PRODUCER_VERSION}`, architecture: cfg.architecture,
    params: cost.total.params, macs: cost.total.macs, full_params: full.total.params, full_macs: full.total.macs,
    blocks: Array.from({ length: cfg.depth }, (_, i) => {
      const b = blockDimsAt(cfg, i);
      return {
        qkv_inputs: b.qkvIn?.length ?? cfg.embedDim, heads: b.heads, value_widths: b.valueWidths,
        fc1_inputs: b.fc1In?.length ?? cfg.embedDim, hidden: b.hidden, attention: hasAttention(b), mlp: hasMlp(b),
      };
    }),
    dropped_blocks: cfg.droppedBlocks ?? [],
    class_names: classNamesOf(cfg),
    ...(cfg.headOrigin ? { head: projectConfigToJson(cfg).head } : {}),
    preprocessing: preprocessingJson(cfg),
  };
}

const HOW_TO: Record<ExportFormat, string[]> = {
  safetensors: [
    'config.json + model.safetensors in the ViT Pruning Studio format (canonical names, per-block dims in',
    '"block_dims"). Load it back into the studio or with `vtp info <folder>`; for PyTorch use the "torch" export.',
  ],
  torch: [
    'config.json + model.safetensors (studio format) and vtp_torch.py (with vtp_train_scores.py, vtp_scores_data.py,',
    'vtp_images.py), which need only PyTorch:',
    '',
    '```python',
    'from vtp_torch import load_slim_vit',
    'model = load_slim_vit(".").eval()          # strict load of every weight',
    'logits = model(pixel_values)               # [B, C, H, W] -> [B, classes]',
    '```',
    '',
    'or `python3 vtp_torch.py . input.safetensors logits.safetensors` (tensor "pixel_values").',
    '',
    'VTP score training on PyTorch (one process, or many GPUs/nodes with torchrun; --batch is the global batch):',
    '',
    '```sh',
    'torchrun --nproc_per_node 8 vtp_torch.py train-scores . --data IMAGE_FOLDER --steps 300 --batch 512 --out scores.safetensors',
    '```',
    '',
    'then "Import scores" in the studio (or `vtp prune . --scores scores.safetensors --rate 0.4`).',
  ],
  timm: [
    'A timm hub folder (config.json with model_args, model.safetensors with timm key names):',
    '',
    '```python',
    'import timm',
    'model = timm.create_model("hf-hub:<you>/<repo>")  # after uploading this folder, or:',
    '# model = timm.create_model(cfg["architecture"], pretrained=False, **cfg["model_args"]); load_state_dict(...)',
    '```',
  ],
  tfjs: [
    'A TensorFlow.js graph model (model.json + group1-shard1of1.bin):',
    '',
    '```js',
    "const model = await tf.loadGraphModel('model.json');",
    'const logits = model.execute(pixelValues); // [B, C, H, W] -> [B, classes]',
    '```',
    '',
    'Class names and preprocessing are in model.metadata (userDefinedMetadata of model.json).',
  ],
  onnx: [
    'An ONNX model (opset 17, float32, dynamic batch "batch"): input "pixel_values" [batch, C, H, W],',
    'output "logits" [batch, classes]. Class names, preprocessing, per-block dims and the pruning report',
    'are in metadata_props ("class_names", "preprocessing", "vtp.block_dims", "vtp.report").',
  ],
};

/** One line saying that the classifier head is new (fitted on frozen features), where and how well. */
function headSentence(h: HeadOrigin): string {
  const acc = h.valAccuracy === null ? '' : `, validation accuracy ${(100 * h.valAccuracy).toFixed(1)}% on ${h.valImages} images`;
  return `The classifier head is new: a linear head fitted on the frozen features of "${h.fittedOn}" (${h.trainImages} images${acc}).`;
}

/** Sentences naming removed sublayers (current block indices) and dropped blocks (original indices); none when there are none. */
export function sublayerSentences(cfg: VitConfig): string[] {
  const dims = Array.from({ length: cfg.depth }, (_, i) => blockDimsAt(cfg, i));
  const list = (pick: (i: number) => boolean) => dims.map((_, i) => i).filter(pick).join(', ');
  const attn = list((i) => !hasAttention(dims[i]));
  const mlp = list((i) => !hasMlp(dims[i]));
  const dropped = cfg.droppedBlocks ?? [];
  return [
    ...(dropped.length > 0 ? [`Blocks dropped (both sublayers removed by pruning; indices of the original model): ${dropped.join(', ')}. ` +
      `This model has ${cfg.depth} of the original ${cfg.depth + dropped.length} blocks.`] : []),
    ...(attn ? [`Attention removed (the residual passes through) in blocks ${attn}.`] : []),
    ...(mlp ? [`MLP removed (the residual passes through) in blocks ${mlp}.`] : []),
  ];
}

/** README.md text for an export. */
export function exportReadme(cfg: VitConfig, model: string, rate: number, format: ExportFormat): string {
  const cost = modelCost(cfg);
  const pre = preprocessingJson(cfg) as { mean: number[]; std: number[] };
  return [
    `# ${model}: ${Math.round(rate * 100)}% of VTP-gated dims pruned (${format})`,
    '',
    `Exported by ${PRODUCER_NAME} ${PRODUCER_VERSION}. ${cost.total.params.toLocaleString('en-US')} parameters, ` +
      `${(cost.total.macs / 1e6).toFixed(1)}M multiply-accumulates per image.`,
    '',
    ...HOW_TO[format],
    '',
    `Input: ${cfg.inChans}x${cfg.imageSize[0]}x${cfg.imageSize[1]} (NCHW), pixels scaled to [0, 1], then (x - mean) / std ` +
      `with mean ${JSON.stringify(pre.mean)} and std ${JSON.stringify(pre.std)}.`,
    `Classes (${cfg.numClasses}): ${classNamesOf(cfg).join(', ')}.`,
    ...(cfg.headOrigin ? [headSentence(cfg.headOrigin)] : []),
    ...sublayerSentences(cfg),
    '',
    'report.json holds the per-block dims, costs and the pruning report.',
    '',
  ].join('\n');
}
