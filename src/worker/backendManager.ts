/**
 * Owns the tfjs backend of the worker: the initial choice, and recovery from a lost WebGPU device by
 * falling back to the next backend in the order. Device tensors are dropped on a switch (the session
 * rebuilds them from host copies) and the UI gets a notice.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_CHOICE_DEFAULTS, BACKEND_LABEL, BACKEND_ORDER, chooseBackend, fallbackOrder, type BackendChoiceOptions } from './backendChoice';
import { watchDeviceLoss, type DeviceLostInfo } from './deviceWatch';
import type { BackendName, BackendReport, EngineNotice } from './engineApi';

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

  /** A manager; call init() before use. */
  constructor(options: BackendManagerOptions) {
    this.opts = options;
  }

  /** Chooses the backend (once; later calls return the same report). */
  async init(): Promise<BackendReport> {
    if (this.report) return this.report;
    this.report = await chooseBackend(this.opts.choice);
    this.watch();
    return this.report;
  }

  /** Restricts the backends tried (before init; e.g. ['wasm'] to force WASM in tests). */
  setOrder(order: BackendName[]): void {
    if (!this.report) this.opts.choice = { ...this.opts.choice, order: order.filter((b) => BACKEND_ORDER.includes(b)) };
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
