/**
 * ONNX export of a (slim) ViT: opset 17, float32, dynamic batch. Input "pixel_values"
 * [batch, C, H, W] (normalised as in metadata "preprocessing"), output "logits" [batch, classes].
 * Weights are initializers with raw_data; class names, dims, config and report are metadata_props.
 */
import type { HostTensors } from '../../model/hostTensor';
import type { VitConfig } from '../../model/vitConfig';
import { exportLayout } from './exportLayout';
import { exportMetadata } from './exportMetadata';
import { OnnxGraph, floatValueInfo } from './onnxGraph';
import { encodeOnnxModel, type ModelMessage } from './onnxProto';
import { addVitNodes, ONNX_INPUT, ONNX_OUTPUT } from './onnxVitGraph';
import { PRODUCER_NAME, PRODUCER_VERSION } from './producer';

/** The ONNX operator set the exporter targets (has LayerNormalization, no Gelu). */
export const ONNX_OPSET = 17;
/** IR version matching opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;
/** Name of the dynamic batch dimension of the input and output. */
export const ONNX_BATCH_DIM = 'batch';

/** Options of the ONNX export. */
export interface OnnxExportOptions {
  /** A JSON-serialisable pruning report, stored as metadata "vtp.report". */
  report?: object;
  /** Graph name (default: the config's architecture). */
  graphName?: string;
}

/** The ModelProto of a (slim) ViT as plain objects (see onnxProto.ts), before encoding. */
export function onnxModelMessage(cfg: VitConfig, tensors: HostTensors, opts: OnnxExportOptions = {}): ModelMessage {
  const layout = exportLayout(cfg, tensors);
  const g = new OnnxGraph();
  addVitNodes(g, layout);
  const input = floatValueInfo(ONNX_INPUT, [ONNX_BATCH_DIM, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]],
    'images [batch, C, H, W], scaled to [0, 1] then normalised with the mean/std in metadata "preprocessing"');
  const output = floatValueInfo(ONNX_OUTPUT, [ONNX_BATCH_DIM, cfg.numClasses], 'class logits [batch, classes]; names in metadata "class_names"');
  const meta = exportMetadata(cfg, opts.report);
  return {
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: PRODUCER_NAME,
    producer_version: PRODUCER_VERSION,
    model_version: 1,
    doc_string: `${cfg.architecture} (${cfg.blocks ? 'VTP-pruned' : 'full'}) exported by ${PRODUCER_NAME} ${PRODUCER_VERSION}`,
    graph: { ...g.toGraph(opts.graphName ?? cfg.architecture, [input], [output]) },
    metadata_props: Object.entries(meta).map(([key, value]) => ({ key, value })),
  };
}

/** The .onnx file bytes of a (slim) ViT given its config and canonical host tensors (vitWeights.ts names). */
export function onnxModelBytes(cfg: VitConfig, tensors: HostTensors, opts: OnnxExportOptions = {}): Uint8Array {
  return encodeOnnxModel(onnxModelMessage(cfg, tensors, opts));
}
