/**
 * What the studio keeps in IndexedDB, as versioned records: settings, the model reference, the dataset
 * reference, and the training checkpoint (scores, chart history, run position). Pure: versioning,
 * migration and trimming are tested without a database.
 */
import type { LabelMode } from '../data/classMatch';
import type { ExportFormat, PruneSettings, ScoreSnapshot, ScoreTrainingSettings, SensitivityReport, TrainProgress } from '../worker/engineApi';

/** Version of the records this build writes. */
export const SESSION_VERSION = 1;

/** Most training-history points kept (older ones are trimmed on save). */
export const HISTORY_LIMIT = 2000;

/** A file kept for a reload (imported checkpoint or uploaded images). */
export interface StoredFile { name: string; bytes: ArrayBuffer }

/** Which model to load on restore. */
export type ModelRef = { kind: 'demo' } | { kind: 'files'; name: string; files: StoredFile[] };

/** One upload call replayed on restore (className set for "several files with a class typed in"). */
export interface UploadBatch { className?: string; files: StoredFile[] }

/** Which dataset to load on restore. */
export type DatasetRef = { kind: 'sample' } | { kind: 'files'; name: string; batches: UploadBatch[] };

/** A training run's position, so that it can resume after a reload or a crash. */
export interface TrainRun { jobId: string; settings: ScoreTrainingSettings; done: number; steps: number; status: 'running' | 'paused' | 'done' | 'stopped' }

/** A class mapping as saved: the dataset's and the model's class names it was chosen for, and the model class of each (-1 = none). */
export interface SavedClassMap { datasetClasses: string[]; modelClasses: string[]; mapping: number[]; labelMode: LabelMode }

/** Settings record (classMap is absent from records written before it existed). */
export interface SettingsRecord {
  version: number; trainSettings: ScoreTrainingSettings; prune: PruneSettings; valFraction: number; exportFormat: ExportFormat;
  classMap?: SavedClassMap | null;
  /** Input normalisation the user set for the saved model (absent or null: the checkpoint's own). */
  normalisation?: UserNormalisation | null;
}

/** Per-channel mean and std of [0, 1] pixels, as the user set them in the model panel. */
export interface UserNormalisation { mean: number[]; std: number[] }

/** Model record. */
export interface ModelRecord { version: number; ref: ModelRef }

/** Dataset record. */
export interface DatasetRecord { version: number; ref: DatasetRef }

/** A per-layer sensitivity as saved: the report and what it was measured on (hash of the scores, dataset name, validation images). */
export interface SavedSensitivity { report: SensitivityReport; scoresHash: string | null; datasetName: string; valImages: number }

/** Training checkpoint: written as one record, in one transaction (sensitivity is absent from records written before it was kept). */
export interface CheckpointRecord {
  version: number; savedAt: number; scores: ScoreSnapshot | null; history: TrainProgress[]; run: TrainRun | null;
  sensitivity?: SavedSensitivity | null;
}

/** The whole saved session (any part may be missing). */
export interface SavedSession {
  settings?: SettingsRecord;
  model?: ModelRecord;
  dataset?: DatasetRecord;
  checkpoint?: CheckpointRecord;
}

/** Record keys in the object store. */
export const RECORD_KEYS = ['settings', 'model', 'dataset', 'checkpoint'] as const;

/** One of the record keys. */
export type RecordKey = (typeof RECORD_KEYS)[number];

/** Upgrades a record of version v to v + 1. */
export type Migration = (record: Record<string, unknown>) => Record<string, unknown>;

/** Migrations by the version they upgrade from (none yet: version 1 is the first). */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

/** A saved session that cannot be used, with the message for the user. */
export class SessionRefused extends Error {
  /** The message says why and what happens next. */
  constructor(message: string) {
    super(message);
    this.name = 'SessionRefused';
  }
}

/** A record brought to SESSION_VERSION, or SessionRefused when it is newer, unversioned or not migratable. */
export function migrateRecord(key: string, raw: unknown, migrations: Readonly<Record<number, Migration>> = MIGRATIONS,
  target = SESSION_VERSION): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null) throw new SessionRefused(`the saved session's ${key} is unreadable; starting a new session`);
  let record = raw as Record<string, unknown>;
  let version = record.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new SessionRefused(`the saved session's ${key} has no version; starting a new session`);
  }
  if (version > target) {
    throw new SessionRefused(`the saved session was written by a newer version of the studio (v${version}, this is v${target}); starting a new session`);
  }
  while (version < target) {
    const step = migrations[version];
    if (!step) throw new SessionRefused(`the saved session is from an older version of the studio (v${version}) that cannot be migrated; starting a new session`);
    record = { ...step(record), version: version + 1 };
    version += 1;
  }
  return record;
}

/** The last `limit` points of a history. */
export function trimHistory(history: TrainProgress[], limit = HISTORY_LIMIT): TrainProgress[] {
  return history.length > limit ? history.slice(history.length - limit) : history;
}
