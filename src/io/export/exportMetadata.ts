/**
 * Metadata written into exported model files (ONNX metadata_props, TF.js userDefinedMetadata):
 * class names, preprocessing, the per-block dims and the studio's config (minus the dims), plus an optional
 * pruning report. Every value is a JSON string so that any runtime can read it back.
 */
import { blockDimsAt, type VitConfig } from '../../model/vitConfig';
import { projectConfigToJson, type ProjectBlockJson } from '../projectConfig';
import { PRODUCER_NAME, PRODUCER_VERSION } from './producer';

/** Metadata keys. */
export const META = {
  classNames: 'class_names',
  preprocessing: 'preprocessing',
  blockDims: 'vtp.block_dims',
  config: 'vtp.config',
  report: 'vtp.report',
  producer: 'vtp.producer',
} as const;

/** Class names of `cfg`, or "0".."classes-1" when the checkpoint had none. */
export function classNamesOf(cfg: VitConfig): string[] {
  return cfg.classNames ? [...cfg.classNames] : Array.from({ length: cfg.numClasses }, (_, i) => String(i));
}

/** Per-block dims in the project's JSON form (full blocks written out too). */
export function blockDimsJson(cfg: VitConfig): ProjectBlockJson[] {
  return Array.from({ length: cfg.depth }, (_, i) => {
    const b = blockDimsAt(cfg, i);
    return { qkv_in: b.qkvIn, heads: b.heads, value_widths: b.valueWidths, fc1_in: b.fc1In, hidden: b.hidden };
  });
}

/** How to prepare inputs: [B, C, H, W] float32, pixels scaled to [0, 1] then (x - mean) / std per channel. */
export function preprocessingJson(cfg: VitConfig): object {
  return {
    input: 'pixel_values', layout: 'NCHW', dtype: 'float32',
    input_size: [cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]],
    scale: 'pixels / 255', mean: cfg.mean, std: cfg.std,
    output: 'logits', output_note: cfg.distilled ? 'mean of the class-token and distillation heads' : 'class-token head',
  };
}

/** The studio's config.json minus block_dims (written once, as META.blockDims). */
function configWithoutDims(cfg: VitConfig): object {
  const { block_dims: _dims, ...rest } = projectConfigToJson(cfg);
  return rest;
}

/** All metadata entries, JSON-valued, in a stable order. */
export function exportMetadata(cfg: VitConfig, report?: object): Record<string, string> {
  const meta: Record<string, string> = {
    [META.classNames]: JSON.stringify(classNamesOf(cfg)),
    [META.preprocessing]: JSON.stringify(preprocessingJson(cfg)),
    [META.blockDims]: JSON.stringify(blockDimsJson(cfg)),
    [META.config]: JSON.stringify(configWithoutDims(cfg)),
    [META.producer]: JSON.stringify({ name: PRODUCER_NAME, version: PRODUCER_VERSION }),
  };
  if (report !== undefined) meta[META.report] = JSON.stringify(report);
  return meta;
}
