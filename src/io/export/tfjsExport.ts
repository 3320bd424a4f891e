/**
 * TensorFlow.js export of a (slim) ViT: a graph model (model.json with "format": "graph-model",
 * a TF GraphDef in JSON, and one weight shard) that tf.loadGraphModel loads as it is. Input
 * "pixel_values" [batch, C, H, W] float32, output "logits" [batch, classes].
 */
import type { HostTensors } from '../../model/hostTensor';
import type { VitConfig } from '../../model/vitConfig';
import { exportLayout } from './exportLayout';
import { exportMetadata } from './exportMetadata';
import { PRODUCER_NAME, PRODUCER_VERSION } from './producer';
import { TfjsGraph, type TfjsNode, type TfjsWeightSpec } from './tfjsGraph';
import { addVitNodes, TFJS_INPUT, TFJS_OUTPUT, type KeptInputs } from './tfjsVitGraph';

/** File name of the single weight shard. */
export const TFJS_SHARD = 'group1-shard1of1.bin';

/** A tensor entry of the model signature. */
interface SignatureEntry { name: string; dtype: 'DT_FLOAT'; tensorShape: { dim: { size: string }[] } }

/** The parsed content of model.json. */
export interface TfjsModelJson {
  format: 'graph-model';
  generatedBy: string;
  convertedBy: string;
  signature: { inputs: Record<string, SignatureEntry>; outputs: Record<string, SignatureEntry> };
  userDefinedMetadata: Record<string, unknown>;
  modelTopology: { node: TfjsNode[]; library: Record<string, never>; versions: { producer: number } };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
}

/** The files of a TF.js graph model: model.json (text) and its weight shard (bytes). */
export interface TfjsModelFiles { 'model.json': string; [TFJS_SHARD]: Uint8Array }

/** Options of the TF.js export. */
export interface TfjsExportOptions {
  /** A JSON-serialisable pruning report, stored in userDefinedMetadata["vtp.report"]. */
  report?: object;
  /** How kept residual dims are read (default 'zero-rows', measured faster; 'gather' gives a smaller file). */
  keptInputs?: KeptInputs;
}

function entry(name: string, dims: number[]): SignatureEntry {
  return { name: `${name}:0`, dtype: 'DT_FLOAT', tensorShape: { dim: dims.map((d) => ({ size: String(d) })) } };
}

/** model.json content and shard bytes of a (slim) ViT from its config and canonical host tensors. */
export function tfjsModel(cfg: VitConfig, tensors: HostTensors, opts: TfjsExportOptions = {}): { json: TfjsModelJson; shard: Uint8Array } {
  const g = new TfjsGraph();
  addVitNodes(g, exportLayout(cfg, tensors), opts.keptInputs);
  const metadata = Object.fromEntries(Object.entries(exportMetadata(cfg, opts.report)).map(([k, v]) => [k, JSON.parse(v)]));
  const producer = `${PRODUCER_NAME} ${PRODUCER_VERSION}`;
  const json: TfjsModelJson = {
    format: 'graph-model',
    generatedBy: producer,
    convertedBy: producer,
    signature: {
      inputs: { [TFJS_INPUT]: entry(TFJS_INPUT, [-1, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]]) },
      outputs: { [TFJS_OUTPUT]: entry(TFJS_OUTPUT, [-1, cfg.numClasses]) },
    },
    userDefinedMetadata: metadata,
    modelTopology: { node: g.nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: [TFJS_SHARD], weights: g.weights }],
  };
  return { json, shard: g.shard() };
}

/** The files of the TF.js graph model: model.json and group1-shard1of1.bin. */
export function tfjsModelFiles(cfg: VitConfig, tensors: HostTensors, opts: TfjsExportOptions = {}): TfjsModelFiles {
  const { json, shard } = tfjsModel(cfg, tensors, opts);
  return { 'model.json': JSON.stringify(json), [TFJS_SHARD]: shard };
}
