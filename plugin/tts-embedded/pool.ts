/** A fixed set of synthesis workers fed from one bounded FIFO; dead workers are restarted. */
import { EngineError } from '../../server/src/core/errors.ts';
import type { Logger } from '../../server/src/core/logger.ts';
import type { Segment } from './voices.ts';
import type { Prosody, WorkerSetup } from './protocol.ts';
import { WorkerSlot, type Job, type JobListener, type SlotEvents, type WorkerInfo } from './worker-slot.ts';

export interface PoolOptions {
  workerUrl: URL;
  workers: number;
  /** Jobs that may wait for a worker; more are refused with `engine_busy`. */
  maxQueued: number;
  setup: Omit<WorkerSetup, 'cancelBuffer'>;
  logger: Logger;
}

const RESTART_BASE_DELAY_MS = 250;
const RESTART_MAX_DELAY_MS = 30_000;

export class WorkerPool {
  private readonly slots: WorkerSlot[];
  private readonly queue: Job[] = [];
  private nextSeq = 1;
  private closed = false;

  private constructor(private readonly options: PoolOptions) {
    const events: SlotEvents = {
      idle: () => this.dispatch(),
      crashed: (slot, error, job) => this.onCrash(slot, error, job),
    };
    this.slots = Array.from(
      { length: options.workers },
      () => new WorkerSlot(options.workerUrl, options.setup, events),
    );
  }

  /** Starts every worker; resolves when all have loaded the wasm, with what the first reported. */
  static async start(options: PoolOptions): Promise<{ pool: WorkerPool; info: WorkerInfo }> {
    const pool = new WorkerPool(options);
    try {
      const [info] = await Promise.all(pool.slots.map((slot) => slot.start()));
      return { pool, info: info! };
    } catch (error) {
      await pool.close();
      throw new EngineError('engine_unavailable', 'embedded TTS worker failed to start', false, { cause: error });
    }
  }

  /** At least one worker is up. */
  healthy(): boolean {
    return this.healthReason() === undefined;
  }

  /** Why no request can run now; undefined while a worker is up. */
  healthReason(): string | undefined {
    if (this.closed) return 'embedded engine is closed';
    if (!this.slots.some((slot) => slot.up)) return `no embedded TTS worker is running (${this.slots.length} restarting)`;
    return undefined;
  }

  /** Queues a job; returns its cancel function (safe to call at any time, repeatedly). */
  submit(segments: Segment[], prosody: Prosody, listener: JobListener): () => void {
    const refusal = this.closed
      ? new EngineError('engine_closed', 'embedded engine is closed', false)
      : !this.healthy()
        ? new EngineError('engine_unavailable', 'no embedded TTS worker is running', true)
        : this.queue.length >= this.options.maxQueued
          ? new EngineError('engine_busy', `embedded engine queue is full (${this.options.maxQueued})`, true)
          : undefined;
    if (refusal) {
      listener.fail(refusal);
      return () => {};
    }
    const job: Job = { seq: this.nextSeq++, segments, prosody, listener, cancelled: false };
    this.queue.push(job);
    this.dispatch();
    return () => this.cancel(job);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const running = await Promise.all(this.slots.map((slot) => slot.terminate()));
    const error = new EngineError('engine_closed', 'embedded engine was closed', false);
    for (const job of [...this.queue.splice(0), ...running]) {
      if (job && !job.cancelled) job.listener.fail(error);
    }
  }

  private cancel(job: Job): void {
    if (job.cancelled) return;
    job.cancelled = true;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    else for (const slot of this.slots) slot.cancel(job);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.closed || this.queue.length === 0) return;
      if (slot.idle) slot.run(this.queue.shift()!);
    }
  }

  private onCrash(slot: WorkerSlot, error: Error, job: Job | undefined): void {
    if (this.closed) return;
    this.options.logger.error({ err: error, job: job?.seq }, 'embedded TTS worker died, restarting it');
    if (job && !job.cancelled) {
      job.listener.fail(new EngineError('engine_crashed', 'embedded TTS worker died', true, { cause: error }));
    }
    this.restart(slot, 0);
  }

  private restart(slot: WorkerSlot, attempt: number): void {
    if (this.closed) return;
    slot.start().then(
      () => this.options.logger.info({ attempt }, 'embedded TTS worker restarted'),
      (error: unknown) => {
        const delayMs = Math.min(RESTART_MAX_DELAY_MS, RESTART_BASE_DELAY_MS * 2 ** attempt);
        this.options.logger.error({ err: error, attempt, delayMs }, 'embedded TTS worker failed to restart');
        if (!this.healthy()) {
          this.failQueued(new EngineError('engine_unavailable', 'no embedded TTS worker is running', true));
        }
        setTimeout(() => this.restart(slot, attempt + 1), delayMs).unref();
      },
    );
  }

  private failQueued(error: EngineError): void {
    for (const job of this.queue.splice(0)) job.listener.fail(error);
  }
}
