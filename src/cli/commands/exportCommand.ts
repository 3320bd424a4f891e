import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckpointError } from '../../io/checkpointError';
import { EXPORT_FORMATS, exportModel, TORCH_SCRIPT_FILES, type ExportFormat, type TorchScripts } from '../../io/export/exportModel';
import { loadModelDir } from '../modelDir';
import { UsageError, type CliContext } from '../cliContext';

/** tools/, relative to this file (src/cli/commands). */
const TOOLS = new URL('../../../tools/', import.meta.url);

/** Reads tools/vtp_torch.py and the trainer files for the 'torch' export. */
async function torchScripts(): Promise<TorchScripts> {
  const texts: Partial<TorchScripts> = {};
  for (const name of TORCH_SCRIPT_FILES) {
    const path = fileURLToPath(new URL(name, TOOLS));
    try {
      texts[name] = await readFile(path, 'utf8');
    } catch (err) {
      throw new CheckpointError('io', `cannot read ${path} (needed by --format torch): ${(err as Error).message}`, { file: path });
    }
  }
  return texts as TorchScripts;
}

function checkFormat(format: string | undefined): ExportFormat {
  if (!format) throw new UsageError(`export needs --format ${EXPORT_FORMATS.join('|')}`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${format}"`);
  }
  return format as ExportFormat;
}

/** Writes one file, creating its folder; I/O problems become CheckpointError('io'). */
async function writeOut(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  } catch (err) {
    throw new CheckpointError('io', `cannot write ${path}: ${(err as Error).message}`, { file: path });
  }
}

/**
 * `vtp export <slim-dir> --format onnx|tfjs|torch|safetensors|timm [--out <path>]`.
 * --out ending in .zip or .onnx: writes the single download file (the same bytes as the studio's
 * "Download pruned model" button). Any other --out: a folder, created if needed, holding the unpacked
 * files (model files, README.md, report.json). No --out: the download file, under its own name
 * (`<model>-pruned<percent>-<format>.zip` or `.onnx`), in the current folder. Model name = folder name.
 */
export async function exportCommand(ctx: CliContext, dir: string, opts: { format?: string; out?: string }): Promise<void> {
  const format = checkFormat(opts.format);
  const model = await loadModelDir(dir, ctx);
  for (const w of model.warnings) ctx.log(`warning: ${w}`);
  const result = exportModel(model.config, model.tensors, format, {
    modelName: basename(resolve(dir)),
    torchScripts: format === 'torch' ? await torchScripts() : undefined,
  });
  const out = opts.out ?? result.fileName;
  if (/\.(zip|onnx)$/i.test(out)) {
    const wantsZip = out.toLowerCase().endsWith('.zip');
    if (wantsZip !== Boolean(result.zip)) {
      throw new UsageError(`--out ${out}: format ${format} downloads as ${result.fileName.replace(/^.*(\.[a-z]+)$/, '$1')}; ` +
        'use that extension, or a folder path for the unpacked files');
    }
    await writeOut(out, result.download);
    ctx.log(`wrote ${out} (${(result.download.length / 2 ** 20).toFixed(2)} MiB, ${format})`);
    if (ctx.json) ctx.print(JSON.stringify({ format, out, bytes: result.download.length }) + '\n');
    return;
  }
  for (const f of result.files) await writeOut(join(out, f.name), f.bytes);
  const total = result.files.reduce((n, f) => n + f.bytes.length, 0);
  ctx.log(`wrote ${result.files.map((f) => f.name).join(', ')} to ${out}/ (${(total / 2 ** 20).toFixed(2)} MiB, ${format})`);
  if (ctx.json) ctx.print(JSON.stringify({ format, out, files: result.files.map((f) => ({ name: f.name, bytes: f.bytes.length })) }) + '\n');
}
