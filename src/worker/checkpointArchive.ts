/**
 * Checkpoint files as a person picks them, before the importer sees them: the studio's own download
 * (a zip of config.json + model.safetensors + README.md + report.json) is expanded into its files, so a
 * pruned model round-trips; downloads the importer cannot read (ONNX, TensorFlow.js) are refused with a
 * message saying which download to use. Zips are expanded with the dataset loader's caps (safe paths,
 * bounded size), and everything that comes out is validated by importCheckpoint like a picked folder.
 */
import { CheckpointError } from '../io/checkpointError';
import { DEFAULT_MAX_CHECKPOINT_BYTES } from '../io/checkpoint';
import { isZip, unzipFiles } from '../data/archive';
import { DatasetError } from '../data/datasetError';
import { baseName, extensionOf, isFolderEntry, type NamedBytes } from '../data/namedBytes';

/** What to say about a download the importer cannot read back. */
const USE_SAFETENSORS = 'to import a pruned model again, download it as "safetensors + config.json"';

/** Refuses files that are exports of other runtimes (an .onnx file, a TensorFlow.js model.json). */
function refuseForeignExports(files: NamedBytes[], from: string): void {
  const hasSafetensors = files.some((f) => extensionOf(f.name) === '.safetensors');
  const onnx = files.find((f) => extensionOf(f.name) === '.onnx');
  if (onnx && !hasSafetensors) {
    throw new CheckpointError('unsupported', `${onnx.name} is an ONNX model, which the studio does not import; ${USE_SAFETENSORS}.`, { file: onnx.name });
  }
  const tfjs = files.find((f) => baseName(f.name) === 'model.json');
  if (tfjs && !hasSafetensors) {
    throw new CheckpointError('unsupported', `${from} is a TensorFlow.js model (model.json), which the studio does not import; ${USE_SAFETENSORS}.`, { file: tfjs.name });
  }
}

/** The files of one zip, or a CheckpointError naming the zip. */
function expandZip(zip: NamedBytes): NamedBytes[] {
  if (!isZip(zip.bytes)) throw new CheckpointError('io', `${zip.name} is not a zip archive (its first bytes are not "PK").`, { file: zip.name });
  let files: NamedBytes[];
  try {
    // The weights may be up to the importer's cap; README, report and config add little.
    files = unzipFiles(zip.bytes, zip.name, { maxBytes: DEFAULT_MAX_CHECKPOINT_BYTES + 64 * 1024 ** 2, maxEntries: 1000 }).files;
  } catch (error) {
    if (error instanceof DatasetError) throw new CheckpointError('io', error.message, { file: zip.name });
    throw error;
  }
  files = files.filter((f) => !isFolderEntry(f));
  if (files.length === 0) throw new CheckpointError('io', `${zip.name} is empty.`, { file: zip.name });
  refuseForeignExports(files, zip.name);
  return files;
}

/** The checkpoint files to import: a single zip is expanded; a zip among other files is refused. */
export function expandCheckpointFiles(files: NamedBytes[]): NamedBytes[] {
  const zips = files.filter((f) => extensionOf(f.name) === '.zip' || isZip(f.bytes));
  if (zips.length === 0) {
    refuseForeignExports(files, files[0]?.name ?? 'the files');
    return files;
  }
  if (files.length > 1) {
    throw new CheckpointError('io', `pick either one .zip or the files of one checkpoint folder, not both (${zips[0].name} among ${files.length} files).`,
      { file: zips[0].name });
  }
  return expandZip(zips[0]);
}
