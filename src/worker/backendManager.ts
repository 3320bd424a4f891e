/**
 * Owns the tfjs backend of the worker: the initial choice, and recovery from a lost WebGPU device by
 * falling back to the next backend in the order. Device tensors are dropped on a switch (the session
 * rebuilds them from host copies) and the UI gets a notice.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HostTensors } from '../model/hostTensor';
import type { VitConfig } from '../model/vitConfig';
import { BACKEND_CHOICE_DEFAULTS, BACKEND_LABEL, BACKEND_ORDER, chooseBackend, fallbackOrder, softwareAdapter, tryBackend, type BackendChoiceOptions } from './backendChoice';
import { fastestBackend, measureBackends } from './backendMeasure';
import { watchDeviceLoss, type DeviceLostInfo } from './deviceWatch';
import type { BackendChoiceRequest, BackendName, BackendReport, EngineNotice } from './engineApi';

/** Options of the manager: how to choose, what to do on a switch, where notices go. */
export interface BackendManagerOptions {
  choice: Partial<BackendChoiceOptions>;
  /** Called after the backend changed (drop device tensors). */
  onSwitch: () => void;
  /** Receives visible notices (device loss, fallback). */
  onNotice: (notice: EngineNotice) => void;
}

/** The active backend and its recovery. */
export class BackendManager {
  report: BackendReport | null = null;
  private readonly opts: BackendManagerOptions;
  private stopWatching: () => void = () => {};
  private lossListeners = new Set<(info: DeviceLostInfo) => void>();
  private recovery: Promise<void> | null = null;
  /** True when the order was given (tests, `?backend=`): then the first usable backend is used, never measured. */
  private forced: boolean;

  /** A manager; call init() before use. */
  constructor(options: BackendManagerOptions) {
    this.opts = options;
    this.forced = options.choice.order !== undefined;
  }

  /**
   * Chooses the backend (once; later calls return the same report): the first usable of a forced order, else
   * WASM first (safe to start on; chooseForModel then measures the others).
   */
  async init(): Promise<BackendReport> {
    if (this.report) return this.report;
    const order = this.opts.choice.order ?? BACKEND_ORDER;
    const start = this.forced ? order : [...order].sort((a, b) => Number(b === 'wasm') - Number(a === 'wasm'));
    this.report = { ...(await chooseBackend({ ...this.opts.choice, order: start })), chosenBy: 'order' };
    this.watch();
    return this.report;
  }

  /** Restricts the backends tried (before init; e.g. ['wasm'] to force WASM in tests). */
  setOrder(order: BackendName[]): void {
    if (this.report) return;
    this.opts.choice = { ...this.opts.choice, order: order.filter((b) => BACKEND_ORDER.includes(b)) };
    this.forced = true;
  }

  /**
   * The backend for a model of config `cfg`: the user's choice, else the fastest of the cached timings, else of
   * timings measured now on every usable backend within the budget. Device tensors are dropped (onSwitch).
   */
  async chooseForModel(cfg: VitConfig, host: HostTensors, request: BackendChoiceRequest): Promise<BackendReport> {
    const current = await this.init();
    if (this.forced) return current;
    const candidates: BackendName[] = (this.opts.choice.order ?? BACKEND_ORDER).filter((b) => b !== 'cpu');
    const usable = (request.cached ?? []).filter((m) => candidates.includes(m.backend));
    let measurements = usable.length > 0 && fastestBackend(usable) !== null ? usable : null;
    let chosenBy: BackendReport['chosenBy'] = measurements ? 'cached' : 'measured';
    if (!measurements) {
      this.stopWatching();
      this.opts.onSwitch();
      const target = {
        activate: (name: BackendName) => tryBackend(name, { ...BACKEND_CHOICE_DEFAULTS, ...this.opts.choice }),
        software: softwareAdapter,
      };
      measurements = await measureBackends(candidates, cfg, host, target, { budgetMs: request.budgetMs });
    }
    const fastest = fastestBackend(measurements);
    if (fastest === null) chosenBy = 'order'; // nothing could be timed within the budget: keep the safe start
    let wanted = fastest ?? current.backend;
    if (request.preferred && (this.opts.choice.order ?? BACKEND_ORDER).includes(request.preferred)) { wanted = request.preferred; chosenBy = 'user'; }
    const rest = BACKEND_ORDER.filter((b) => b !== wanted);
    const notes: string[] = [];
    const report = await chooseBackend({ ...this.opts.choice, order: [wanted, ...rest] }, notes);
    this.report = { ...report, measurements, chosenBy };
    this.opts.onSwitch();
    this.watch();
    return this.report;
  }

  /** Replaces the notice sink (the UI passes its callback to init). */
  setNoticeSink(sink: (notice: EngineNotice) => void): void {
    this.opts.onNotice = sink;
  }

  /** Calls `listener` if the device is lost while it is registered; returns an unsubscribe function. */
  onLoss(listener: (info: DeviceLostInfo) => void): () => void {
    this.lossListeners.add(listener);
    return () => this.lossListeners.delete(listener);
  }

  /** Resolves when no recovery is in progress. */
  async ready(): Promise<void> {
    while (this.recovery) await this.recovery;
  }

  /** Simulates or handles a device loss: falls back to the next backend (used by the watcher). */
  handleLoss(info: DeviceLostInfo): Promise<void> {
    this.recovery ??= this.recover(info).finally(() => { this.recovery = null; });
    for (const listener of [...this.lossListeners]) listener(info);
    return this.recovery;
  }

  private watch(): void {
    this.stopWatching();
    this.stopWatching = watchDeviceLoss((info) => { void this.handleLoss(info); });
  }

  private async recover(info: DeviceLostInfo): Promise<void> {
    const lost = this.report?.backend ?? 'webgpu';
    this.stopWatching();
    this.opts.onSwitch();
    const notes = [...(this.report?.notes ?? []), `${BACKEND_LABEL[lost]} device lost (${info.reason}${info.message ? `: ${info.message}` : ''})`];
    const order = fallbackOrder(lost, this.opts.choice.order ?? BACKEND_CHOICE_DEFAULTS.order);
    try { tf.removeBackend(lost); } catch { /* already gone */ }
    this.report = await chooseBackend({ ...this.opts.choice, order }, notes);
    this.watch();
    this.opts.onNotice({
      message: `The GPU device was lost (${info.reason}); continuing on ${BACKEND_LABEL[this.report.backend]}. ` +
        'Work in progress carries on from its last scores.',
      backend: this.report,
    });
  }
}
