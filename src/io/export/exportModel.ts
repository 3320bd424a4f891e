/**
 * One call behind the studio's "Download pruned model" button and `vtp export`: a (slim) model in
 * one of the export formats, as the files it consists of and as ONE download.
 *
 *   safetensors  zip: config.json, model.safetensors (studio format), README.md, report.json
 *   torch        zip: the same plus vtp_torch.py (PyTorch module builder, torch + stdlib only) and the
 *                files of its `train-scores` subcommand (TORCH_SCRIPT_FILES)
 *   timm         zip: timm config.json + model.safetensors (timm keys), README.md, report.json;
 *                refused for models timm cannot express (see timmExport.ts)
 *   tfjs         zip: model.json, group1-shard1of1.bin, README.md, report.json
 *   onnx         a single .onnx file (no zip): the report is embedded as metadata_props
 *                "vtp.report", so the download loads directly in any ONNX runtime
 *
 * File name: `<model>-pruned<percent>-<format>.zip`, or `<model>-pruned<percent>.onnx`.
 */
import { zipSync, type Zippable } from 'fflate';
import type { HostTensors } from '../../model/hostTensor';
import type { VitConfig } from '../../model/vitConfig';
import { projectModelFiles } from '../projectModel';
import { exportReadme, exportSummary, prunedFraction, type ExportFormat } from './exportReadme';
import { onnxModelBytes } from './onnxExport';
import { tfjsModelFiles } from './tfjsExport';
import { timmCompatibleFiles } from './timmExport';

export type { ExportFormat } from './exportReadme';

/** Every export format, in menu order. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ['safetensors', 'torch', 'onnx', 'tfjs', 'timm'];

/** The Python files of the torch export, all from tools/: the module builder and its score trainer. */
export const TORCH_SCRIPT_FILES = ['vtp_torch.py', 'vtp_train_scores.py', 'vtp_scores_data.py', 'vtp_images.py'] as const;

/** Text of each of TORCH_SCRIPT_FILES, by file name. */
export type TorchScripts = Record<(typeof TORCH_SCRIPT_FILES)[number], string>;

/** One exported file: a path inside the download (or folder) and its bytes. */
export interface ExportedFile { name: string; bytes: Uint8Array }

/** Options of exportModel. */
export interface ExportOptions {
  /** The pruning report (JSON-serialisable): report.json "pruning", and inside "vtp.report" metadata (ONNX, TF.js). */
  report?: object;
  /** Model name for the file name and README (default: the config's architecture). */
  modelName?: string;
  /** Prune rate for the file name and README, in [0, 1) (default: fraction of gated dims removed, from the config). */
  rate?: number;
  /** Texts of tools/vtp_torch.py and the trainer files; required for format 'torch' (the UI imports them with `?raw`, the CLI reads them). */
  torchScripts?: TorchScripts;
}

/** An export: the download's file name and bytes, its files, and the zip when it is one. */
export interface ExportResult {
  fileName: string;
  files: ExportedFile[];
  /** The bytes to save under fileName (the zip, or the .onnx file). */
  download: Uint8Array;
  /** The zip archive, for multi-file formats. */
  zip?: Uint8Array;
}

/** A file-name-safe model name. */
function safeName(name: string): string {
  return name.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'vit';
}

/** `<model>-pruned<percent>` for the file name. */
export function exportBaseName(model: string, rate: number): string {
  return `${safeName(model)}-pruned${Math.round(rate * 100)}`;
}

const text = (s: string) => new TextEncoder().encode(s);

/** The model files of a format (without README/report). */
function modelFiles(cfg: VitConfig, tensors: HostTensors, format: ExportFormat, opts: ExportOptions, report: object): ExportedFile[] {
  if (format === 'tfjs') {
    const files = tfjsModelFiles(cfg, tensors, { report });
    return Object.entries(files).map(([name, v]) => ({ name, bytes: typeof v === 'string' ? text(v) : v }));
  }
  const pair = format === 'timm' ? timmCompatibleFiles(cfg, tensors) : projectModelFiles(cfg, tensors);
  const files = [{ name: 'config.json', bytes: text(pair['config.json']) }, { name: 'model.safetensors', bytes: pair['model.safetensors'] }];
  if (format === 'torch') {
    for (const name of TORCH_SCRIPT_FILES) {
      const script = opts.torchScripts?.[name];
      if (!script) throw new Error(`the "torch" export needs the text of tools/${name} (option torchScripts)`);
      files.push({ name, bytes: text(script) });
    }
  }
  return files;
}

/** Zips files: text deflated, binaries stored (float weights barely compress). */
function zipFiles(files: ExportedFile[]): Uint8Array {
  const entries: Zippable = {};
  for (const f of files) entries[f.name] = [f.bytes, { level: /\.(json|md|py)$/.test(f.name) ? 6 : 0 }];
  return zipSync(entries);
}

/** Exports a (slim) model in `format` as one download (see the file comment for each format's content). */
export function exportModel(cfg: VitConfig, tensors: HostTensors, format: ExportFormat, opts: ExportOptions = {}): ExportResult {
  if (!EXPORT_FORMATS.includes(format)) throw new Error(`unknown export format "${format}" (use ${EXPORT_FORMATS.join(', ')})`);
  const model = opts.modelName ?? cfg.architecture;
  const rate = opts.rate ?? prunedFraction(cfg);
  const summary = exportSummary(cfg, model, rate, format);
  const base = exportBaseName(model, rate);
  const report = { exported: summary, ...(opts.report ? { pruning: opts.report } : {}) };
  if (format === 'onnx') {
    const bytes = onnxModelBytes(cfg, tensors, { report });
    return { fileName: `${base}.onnx`, files: [{ name: 'model.onnx', bytes }], download: bytes };
  }
  const files = [
    ...modelFiles(cfg, tensors, format, opts, report),
    { name: 'README.md', bytes: text(exportReadme(cfg, model, rate, format)) },
    { name: 'report.json', bytes: text(JSON.stringify(report, null, 2) + '\n') },
  ];
  const zip = zipFiles(files);
  return { fileName: `${base}-${format}.zip`, files, download: zip, zip };
}
