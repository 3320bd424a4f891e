/** Export of the pruned model through the exporters of src/io/export, as one downloadable file. */
import { exportModel } from '../io/export/exportModel';
import { settingsUnit } from '../prune/pruneSettings';
import vtpTorch from '../../tools/vtp_torch.py?raw';
import vtpTrainScores from '../../tools/vtp_train_scores.py?raw';
import vtpScoresData from '../../tools/vtp_scores_data.py?raw';
import vtpImages from '../../tools/vtp_images.py?raw';
import type { TorchScripts } from '../io/export/exportModel';
import type { ExportedFile, ExportFormat } from './engineApi';
import type { EngineSession } from './session';

/** The Python files of the torch export, bundled with the app. */
const torchScripts: TorchScripts = {
  'vtp_torch.py': vtpTorch, 'vtp_train_scores.py': vtpTrainScores, 'vtp_scores_data.py': vtpScoresData, 'vtp_images.py': vtpImages,
};

/** MIME type of a download by its file name. */
function mimeOf(fileName: string): string {
  return fileName.endsWith('.zip') ? 'application/zip' : 'application/octet-stream';
}

/** The pruned model (or, when nothing is pruned, the loaded one) in `format` with the UI's report inside. */
export function exportPruned(session: EngineSession, format: ExportFormat, report: object): ExportedFile {
  const model = session.requireModel();
  const pruned = session.pruned;
  const [config, tensors] = pruned ? [pruned.config, pruned.tensors] : [model.config, model.host];
  const result = exportModel(config, tensors, format, { report, modelName: model.name, rate: pruned && settingsUnit(pruned.settings) === 'rate' ? pruned.settings.rate : undefined, torchScripts });
  const bytes = result.download.slice().buffer as ArrayBuffer;
  return { fileName: result.fileName, bytes, mime: mimeOf(result.fileName) };
}
