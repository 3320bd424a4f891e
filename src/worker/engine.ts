/**
 * The engine behind the worker's RPC surface (EngineApi): one session, one job registry, one backend
 * manager. Environment-neutral: the worker exposes it with comlink; Node tests call it directly on the
 * cpu backend with injected fetch and image decoding.
 */
import * as comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoiceOptions } from './backendChoice';
import { BackendManager } from './backendManager';
import { expandCheckpointFiles } from './checkpointArchive';
import { buildData, resplitData, withMapping, type DecoderFactory } from './datasetBuild';
import { datasetInfo } from './datasetInfo';
import { destroyDevice } from './deviceWatch';
import type { DatasetInfo, EngineApi, EngineNotice, MaskedAccuracy, ModelInfo, WorkerFile } from './engineApi';
import { exportPruned } from './exportOps';
import { assetUrl, DEMO_MODEL_FILES, fetchBytes, SAMPLE_DATASET_FILE, type FetchBytes } from './fetchAsset';
import { JobRegistry } from './jobs';
import { LatestWins, supersededError } from './latestWins';
import { maskedAccuracy, PRUNE_SETTINGS_DEFAULTS, sweep } from './maskedEval';
import { sensitivityJob } from './sensitivityOp';
import { slimSpeedJob } from './slimSpeedOp';
import { measureLatencyTable } from '../prune/latencyProbe';
import { modelInfo } from './modelInfo';
import { evaluate, finetunePruned, importModel, predict, prune } from './modelOps';
import { fromSnapshot, snapshotBuffers, toSnapshot } from './scoreSnapshot';
import { exportScoreFile, importScoreFile } from './scoreFileOps';
import { EngineSession, type DataSource } from './session';
import { runScoreTraining, type TrainDeps } from './trainRunner';
import { assertTrainingFits } from './memoryGuard';
import { uploadFiles } from './uploads';
import { fitSessionHead } from './newHeadOp';
import { projectModelFiles } from '../io/projectModel';

/** What the engine is built with (defaults suit the browser worker). */
export interface EngineOptions {
  /** Backend order, probes and activation. */
  backend: Partial<BackendChoiceOptions>;
  /** How demo assets are fetched. */
  fetchBytes: FetchBytes;
  /** Prepares a synchronous image decoder for uploaded image files. */
  decoders: DecoderFactory;
  /** Monotonic clock, ms. */
  now: () => number;
  /** Smallest gap between training progress events (ms) and between score snapshots (ms). */
  progressIntervalMs: number;
  snapshotIntervalMs: number;
  /** Validation images used for accuracies the engine reports on its own (finetune, sweep default). */
  evalLimit: number;
}

/** Defaults of the browser worker (the decoder factory must be given there: see engine.worker.ts). */
export const ENGINE_DEFAULTS: EngineOptions = {
  backend: {},
  fetchBytes,
  decoders: () => Promise.reject(new Error('this engine cannot decode images (no decoder configured)')),
  now: () => performance.now(),
  progressIntervalMs: 100,
  snapshotIntervalMs: 500,
  evalLimit: 1000,
};

/** The engine and its session (exposed for tests). */
export interface Engine { api: EngineApi; session: EngineSession; backend: BackendManager; jobs: JobRegistry }

/** Builds the engine. */
export function createEngine(options: Partial<EngineOptions> = {}): Engine {
  const opts = { ...ENGINE_DEFAULTS, ...options };
  const session = new EngineSession();
  const jobs = new JobRegistry();
  const latest = new LatestWins();
  let notify: (notice: EngineNotice) => void = () => {};
  const backend = new BackendManager({
    choice: opts.backend, onSwitch: () => session.dropDeviceTensors(), onNotice: (n) => notify(n),
  });
  const trainDeps: TrainDeps = {
    session, backend, now: opts.now, progressIntervalMs: opts.progressIntervalMs, snapshotIntervalMs: opts.snapshotIntervalMs,
  };

  /** ModelInfo of the current model, after re-reading the dataset at its input size. */
  const afterModelLoad = async (): Promise<ModelInfo> => {
    const model = session.requireModel();
    if (session.data) {
      const { source, name, valFraction, seed, customSplit, labelMode } = session.data;
      const keepSplit = customSplit ? valFraction : null;
      session.data = null;
      try {
        session.data = await buildData(session.nextId('data'), source, model.config, { name, valFraction: keepSplit, seed, decoders: opts.decoders, labelMode });
      } catch (error) {
        model.warnings.push(`the dataset "${name}" does not fit this model and was unloaded: ${(error as Error).message}`);
      }
    }
    return modelInfo(model, model.source, session.magnitudeScores());
  };

  const loadData = async (source: DataSource, name: string, valFraction: number | null): Promise<DatasetInfo> => {
    const cfg = session.requireModel().config;
    session.data = await buildData(session.nextId('data'), source, cfg, { name, valFraction, seed: 0, decoders: opts.decoders });
    return datasetInfo(session.data, session.requireModel().config);
  };

  const api: EngineApi = {
    async init(onNotice, initOptions) {
      if (initOptions?.order && initOptions.order.length > 0) backend.setOrder(initOptions.order);
      if (onNotice) notify = (n) => { try { void Promise.resolve(onNotice(n)).catch(() => {}); } catch { /* page gone */ } };
      return backend.init();
    },
    async chooseBackendForModel(request) {
      await jobs.cancelAll();
      latest.abort();
      await backend.ready();
      const model = session.requireModel();
      return backend.chooseForModel(model.config, model.host, request);
    },
    async loadDemoModel(baseUrl) {
      let files;
      try {
        files = await Promise.all(DEMO_MODEL_FILES.map(async (path) => ({ name: path.split('/').pop()!, bytes: await opts.fetchBytes(assetUrl(baseUrl, path)) })));
      } catch (error) {
        throw new Error(`The demo model could not be loaded (${(error as Error).message}). Import a checkpoint instead.`);
      }
      await jobs.cancelAll();
      latest.abort(); // an accuracy of the old model in flight ends superseded (below), not with the error of a freed tensor
      await backend.ready();
      importModel(session, files, 'fmnist-vit-s', 'demo');
      return afterModelLoad();
    },
    async loadModel(files, name) {
      await jobs.cancelAll();
      latest.abort();
      await backend.ready();
      importModel(session, expandCheckpointFiles(toNamed(files)), name);
      return afterModelLoad();
    },
    async setNormalisation(mean, std) {
      session.setNormalisation({ mean, std });
      const model = session.requireModel();
      return modelInfo(model, model.source, session.magnitudeScores());
    },
    async predict(count) {
      await backend.ready();
      return predict(session, count);
    },
    async loadSampleDataset(baseUrl) {
      session.requireModel();
      let bytes: Uint8Array;
      try {
        bytes = await opts.fetchBytes(assetUrl(baseUrl, SAMPLE_DATASET_FILE));
      } catch (error) {
        throw new Error(`The demo dataset could not be loaded (${(error as Error).message}). Upload images instead.`);
      }
      return loadData({ kind: 'sample', bytes }, 'Fashion-MNIST sample', null);
    },
    async loadDataset(files, name, options) {
      session.requireModel();
      const named = uploadFiles(session, toNamed(files), options.className);
      return loadData({ kind: 'files', files: named }, name, options.valFraction);
    },
    async resplit(valFraction, seed) {
      session.data = resplitData(session.requireLoadedData(), valFraction, seed, session.requireModel().config);
      return datasetInfo(session.data, session.requireModel().config);
    },
    async setClassMap(mapping, labelMode) {
      session.data = withMapping(session.requireLoadedData(), mapping, labelMode, session.requireModel().config);
      return datasetInfo(session.data, session.requireModel().config);
    },
    async datasetInfo() {
      return session.data ? datasetInfo(session.data, session.requireModel().config) : null;
    },
    trainScores: (jobId, settings, onProgress, start) => {
      latest.abort(); // the slider's evaluation gives way to training (the UI asks again when it ends)
      return jobs.run(jobId, async (job) => {
        await backend.ready();
        const batch = Math.min(settings.batchSize, session.requireData().train.labels.length);
        assertTrainingFits(backend.report?.backend, session.requireModel().config, batch, settings.trainWeights);
        return runScoreTraining(trainDeps, job, settings, onProgress, start);
      });
    },
    async pause(jobId) { jobs.pause(jobId); },
    async resume(jobId) { jobs.resume(jobId); },
    async cancel(jobId) { jobs.cancel(jobId); },
    async getScores() {
      if (!session.scores) return null;
      const snapshot = toSnapshot(session.scores);
      return comlink.transfer(snapshot, snapshotBuffers(snapshot));
    },
    async setScores(scores) {
      session.scores = fromSnapshot(scores, session.requireModel().config);
    },
    async importScores(file) {
      if (jobs.all().some((j) => j.id.startsWith('train-'))) throw new Error('score training is running: stop it before importing scores');
      const snapshot = importScoreFile(session, file);
      return comlink.transfer(snapshot, snapshotBuffers(snapshot));
    },
    async exportScores() {
      const file = exportScoreFile(session);
      return comlink.transfer(file, [file.bytes]);
    },
    maskedAccuracy: (settings, limit, onPartial) => latest.run(async (signal) => {
      await backend.ready();
      if (signal.aborted) throw supersededError();
      const report = (p: Omit<MaskedAccuracy, 'settings'>) => { if (!signal.aborted) void Promise.resolve(onPartial?.({ ...p, settings })).catch(() => {}); };
      let r;
      try {
        r = await maskedAccuracy(session, settings, limit, signal, report);
      } catch (error) {
        // Aborted by a model import or backend switch, which may free the tensors it was reading: superseded, not an error.
        if (signal.aborted) throw supersededError();
        throw error;
      }
      if (r.cancelled) throw supersededError();
      return { accuracy: r.accuracy, n: r.n, total: r.n, partial: false, settings, agreement: r.agreement };
    }),
    sweep: (jobId, rates, onPoint, options) => jobs.run(jobId, async (job) => {
      await backend.ready();
      return sweep(session, job, rates, onPoint, { limit: options?.limit ?? opts.evalLimit, base: options?.base ?? PRUNE_SETTINGS_DEFAULTS });
    }),
    sensitivity: (jobId, settings, limit, onProgress) => jobs.run(jobId, async (job) => {
      await backend.ready();
      return sensitivityJob(session, job, settings, limit, onProgress);
    }),
    latencyTable: (jobId, batch) => jobs.run(jobId, async () => {
      if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`the latency batch must be a positive integer, got ${batch}`);
      await backend.ready();
      return measureLatencyTable(session.requireModel().config, { batch });
    }),
    slimSpeed: (jobId, batches, runs, onProgress) => jobs.run(jobId, async (job) => {
      await backend.ready();
      return slimSpeedJob(session, job, batches, runs, onProgress);
    }),
    async prune(settings) {
      latest.abort(); // the slider's (or the background grid's) evaluation gives way to the download
      prune(session, settings);
      return modelInfo(session.requirePruned(), 'vtp', null);
    },
    finetune: (jobId, settings, onProgress) => jobs.run(jobId, async (job) => {
      await backend.ready();
      assertTrainingFits(backend.report?.backend, session.requirePruned().config, settings.batchSize, true);
      return finetunePruned(session, job, settings, onProgress, opts.evalLimit);
    }),
    newHead: (jobId, onProgress) => jobs.run(jobId, async (job) => {
      await backend.ready();
      const result = await fitSessionHead(session, job, onProgress);
      const model = await afterModelLoad();
      const project = projectModelFiles(result.config, result.tensors);
      const files = [
        { name: 'config.json', bytes: new TextEncoder().encode(project['config.json']).buffer as ArrayBuffer },
        { name: 'model.safetensors', bytes: project['model.safetensors'].slice().buffer as ArrayBuffer },
      ];
      const out = { model, valAccuracy: result.valAccuracy, dataset: session.data ? datasetInfo(session.data, session.requireModel().config) : null, files };
      return comlink.transfer(out, files.map((f) => f.bytes));
    }),
    async exportModel(format, report) {
      const file = exportPruned(session, format, report);
      return comlink.transfer(file, [file.bytes]);
    },
    async evaluate(target, limit, jobId, onProgressRemote) {
      const onProgress = onProgressRemote ? (p: { done: number; total: number }) => { void Promise.resolve(onProgressRemote(p)).catch(() => {}); } : undefined;
      if (!jobId) { await backend.ready(); return evaluate(session, target, limit, undefined, onProgress); }
      return jobs.run(jobId, async (job) => {
        await backend.ready();
        return evaluate(session, target, limit, job.signal, onProgress);
      });
    },
    async memory() {
      const m = tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes };
    },
    async loseDeviceForTest() {
      return destroyDevice();
    },
  };
  return { api, session, backend, jobs };
}

/** Worker files as named byte views. */
function toNamed(files: WorkerFile[]): { name: string; bytes: Uint8Array }[] {
  return files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }));
}
