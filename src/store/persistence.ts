/**
 * The session in IndexedDB (through idb): one object store of versioned records (sessionRecord.ts).
 * Every save is one transaction, so a reload in the middle of a write keeps the previous complete
 * record; a model change clears the checkpoint in the same transaction; history is trimmed on save.
 * Errors are thrown (the store turns them into notices), never swallowed.
 */
import { openDB, type IDBPDatabase } from 'idb';
import {
  migrateRecord, RECORD_KEYS, SESSION_VERSION, SessionRefused, trimHistory, HISTORY_LIMIT,
  type CheckpointRecord, type DatasetRef, type ModelRef, type RecordKey, type SavedSession, type SettingsRecord,
} from './sessionRecord';

/** Options of the IndexedDB persistence. */
export interface PersistenceOptions { dbName: string; historyLimit: number }

/** Defaults: database "vit-pruning-studio", 2,000 history points. */
export const PERSISTENCE_DEFAULTS: PersistenceOptions = { dbName: 'vit-pruning-studio', historyLimit: HISTORY_LIMIT };

/** Object store holding the records. */
const STORE = 'session';

/** What loading found: the session (null when none or refused) and a message when it was refused. */
export interface LoadResult { session: SavedSession | null; refused: string | null }

/** The store's view of persistence (an in-memory fake works for tests). */
export interface Persistence {
  load(): Promise<LoadResult>;
  saveSettings(settings: Omit<SettingsRecord, 'version'>): Promise<void>;
  /** Saves the model reference and drops the checkpoint (scores belong to the old model), atomically. */
  saveModel(ref: ModelRef): Promise<void>;
  saveDataset(ref: DatasetRef): Promise<void>;
  saveCheckpoint(checkpoint: Omit<CheckpointRecord, 'version'>): Promise<void>;
  clear(): Promise<void>;
}

/** IndexedDB persistence. */
export class IdbPersistence implements Persistence {
  private readonly opts: PersistenceOptions;
  private db: Promise<IDBPDatabase> | null = null;

  /** Persistence in the named database (opened on first use). */
  constructor(options: Partial<PersistenceOptions> = {}) {
    this.opts = { ...PERSISTENCE_DEFAULTS, ...options };
  }

  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB(this.opts.dbName, 1, { upgrade(db) { if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE); } });
    return this.db;
  }

  /** Reads every record in one transaction; a newer or unmigratable session is refused with a message. */
  async load(): Promise<LoadResult> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readonly');
    const raw = await Promise.all(RECORD_KEYS.map((k) => tx.store.get(k)));
    await tx.done;
    const session: SavedSession = {};
    try {
      RECORD_KEYS.forEach((key, i) => {
        if (raw[i] !== undefined) (session as Record<RecordKey, unknown>)[key] = migrateRecord(key, raw[i]);
      });
    } catch (error) {
      if (error instanceof SessionRefused) return { session: null, refused: error.message };
      throw error;
    }
    return { session: Object.keys(session).length > 0 ? session : null, refused: null };
  }

  /** Writes records and deletes keys in one transaction. */
  private async write(puts: Partial<Record<RecordKey, unknown>>, deletes: RecordKey[] = []): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readwrite');
    const ops: Promise<unknown>[] = Object.entries(puts).map(([k, v]) => tx.store.put({ ...(v as object), version: SESSION_VERSION }, k));
    for (const k of deletes) ops.push(tx.store.delete(k));
    await Promise.all([...ops, tx.done]);
  }

  /** Saves the settings record. */
  saveSettings(settings: Omit<SettingsRecord, 'version'>): Promise<void> {
    return this.write({ settings });
  }

  /** Saves the model reference and deletes the old checkpoint in the same transaction. */
  saveModel(ref: ModelRef): Promise<void> {
    return this.write({ model: { ref } }, ['checkpoint']);
  }

  /** Saves the dataset reference. */
  saveDataset(ref: DatasetRef): Promise<void> {
    return this.write({ dataset: { ref } });
  }

  /** Saves a training checkpoint (history trimmed) as one record. */
  saveCheckpoint(checkpoint: Omit<CheckpointRecord, 'version'>): Promise<void> {
    return this.write({ checkpoint: { ...checkpoint, history: trimHistory(checkpoint.history, this.opts.historyLimit) } });
  }

  /** Deletes every record (a new session). */
  async clear(): Promise<void> {
    const db = await this.open();
    await db.clear(STORE);
  }
}
