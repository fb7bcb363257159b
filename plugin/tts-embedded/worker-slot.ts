/** One synthesis worker thread: start it, run one job at a time on it, notice it dying. */
import { Worker } from 'node:worker_threads';
import { EngineError } from '../../server/src/core/errors.ts';
import type { Segment } from './voices.ts';
import type { Prosody, SynthesizeMessage, WordEvent, WorkerMessage, WorkerSetup } from './protocol.ts';

/** Receives one job's output; nothing is called once the job is cancelled. */
export interface JobListener {
  audio(samples: Int16Array): void;
  segment(index: number, words: WordEvent[]): void;
  done(): void;
  fail(error: EngineError): void;
}

export interface Job {
  /** Unique per pool, > 0 (0 in the cancel flag means "none"). */
  seq: number;
  segments: Segment[];
  prosody: Prosody;
  listener: JobListener;
  cancelled: boolean;
}

export interface WorkerInfo {
  voices: string[];
  sampleRateHz: number;
}

export interface SlotEvents {
  /** The slot is ready for another job. */
  idle(slot: WorkerSlot): void;
  /** The worker died; `job` is the one it was running, if any. */
  crashed(slot: WorkerSlot, error: Error, job: Job | undefined): void;
}

export class WorkerSlot {
  private worker: Worker | undefined;
  private ready = false;
  private job: Job | undefined;
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

  constructor(
    private readonly workerUrl: URL,
    private readonly setup: Omit<WorkerSetup, 'cancelBuffer'>,
    private readonly events: SlotEvents,
  ) {}

  /** Worker running and loaded (busy or not). */
  get up(): boolean {
    return this.ready;
  }

  get idle(): boolean {
    return this.ready && this.job === undefined;
  }

  /** Spawns the worker; resolves once its wasm is loaded, rejects if it dies first. */
  start(): Promise<WorkerInfo> {
    return new Promise((resolve, reject) => {
      const workerData: WorkerSetup = { ...this.setup, cancelBuffer: this.cancelFlag.buffer as SharedArrayBuffer };
      const worker = new Worker(this.workerUrl, { workerData });
      this.worker = worker;
      let lastError: Error | undefined;
      worker.on('message', (message: WorkerMessage) => {
        if (this.worker !== worker) return;
        if (message.type === 'ready') {
          this.ready = true;
          resolve({ voices: message.voices, sampleRateHz: message.sampleRateHz });
          this.events.idle(this);
        } else {
          this.handle(message);
        }
      });
      worker.on('error', (error) => {
        lastError = error;
      });
      worker.on('exit', (exitCode) => {
        if (this.worker !== worker) return;
        const error = lastError ?? new Error(`synthesis worker exited with code ${exitCode}`);
        const { ready, job } = this;
        this.worker = undefined;
        this.ready = false;
        this.job = undefined;
        if (ready) this.events.crashed(this, error, job);
        else reject(error);
      });
    });
  }

  run(job: Job): void {
    if (!this.worker || !this.idle) throw new Error('worker slot is not idle');
    this.job = job;
    const message: SynthesizeMessage = { type: 'synthesize', job: job.seq, segments: job.segments, ...job.prosody };
    this.worker.postMessage(message);
  }

  /** Stops `job` if it runs here: the worker drops its output and aborts synthesis. */
  cancel(job: Job): void {
    if (this.job === job) Atomics.store(this.cancelFlag, 0, job.seq);
  }

  /** Terminates the worker; returns the job it was running, if any. */
  async terminate(): Promise<Job | undefined> {
    const { worker, job } = this;
    this.worker = undefined;
    this.ready = false;
    this.job = undefined;
    await worker?.terminate();
    return job;
  }

  private handle(message: Exclude<WorkerMessage, { type: 'ready' }>): void {
    const job = this.job;
    if (!job || message.job !== job.seq) return;
    if (message.type === 'done' || message.type === 'failed') {
      this.job = undefined;
      if (!job.cancelled) {
        if (message.type === 'done') job.listener.done();
        else job.listener.fail(new EngineError('engine_failed', message.message, false));
      }
      this.events.idle(this);
    } else if (!job.cancelled) {
      if (message.type === 'audio') job.listener.audio(message.samples);
      else job.listener.segment(message.index, message.words);
    }
  }
}
