/**
 * Global limits on upstream work shared by every readout: a task-submission rate (token
 * bucket) and a concurrency cap. At the limit work waits in a bounded FIFO (backpressure);
 * it is never sent upstream to fail. The interface is what engines depend on, so a
 * Redis-backed limiter can later share one quota across processes.
 */
import { SynthesisCancelledError, UpstreamQueueFullError } from './resilience-errors.ts';
import { TokenBucket } from './token-bucket.ts';

/** Gives the slot back. Idempotent. */
export type ReleaseUpstream = () => void;

export interface UpstreamLimiter {
  /**
   * Wait for one task submission token and one concurrency slot. Rejects with
   * SynthesisCancelledError when `signal` aborts, UpstreamQueueFullError when the wait queue is full.
   */
  acquire(signal?: AbortSignal): Promise<ReleaseUpstream>;
  /**
   * Whether every concurrency slot is taken (so a waiter needs one released, e.g. an idle
   * pre-started task's). A limiter that cannot tell says true: a wait is taken to mean it.
   */
  concurrencyFull(): boolean;
}

export interface LocalUpstreamLimiterOptions {
  /** The account's quota of task submissions per second. */
  tasksPerS: number;
  /** The account's quota of concurrent tasks. */
  maxConcurrency: number;
  /** Share of each quota the relay uses (default 0.8: stay under the limit, never hit it). */
  utilization?: number;
  /** Tokens that may be saved up; 1 keeps any one-second window at or under the quota. */
  burst?: number;
  /** Bound of the wait queue (default 256). */
  maxWaiting?: number;
  now?: () => number;
}

export interface LocalUpstreamLimiter extends UpstreamLimiter {
  readonly ratePerS: number;
  readonly concurrency: number;
  readonly active: number;
  readonly waiting: number;
}

interface Waiter {
  grant: (release: ReleaseUpstream) => void;
  signal?: AbortSignal;
  onAbort: () => void;
}

export function createLocalUpstreamLimiter(options: LocalUpstreamLimiterOptions): LocalUpstreamLimiter {
  const utilization = options.utilization ?? 0.8;
  const ratePerS = options.tasksPerS * utilization;
  const concurrency = Math.max(1, Math.floor(options.maxConcurrency * utilization + 1e-9));
  const maxWaiting = options.maxWaiting ?? 256;
  const bucket = new TokenBucket(ratePerS, options.burst ?? 1, options.now);
  const queue: Waiter[] = [];
  let active = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const releaseOnce = (): ReleaseUpstream => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      active -= 1;
      pump();
    };
  };

  function pump(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (queue.length > 0 && active < concurrency) {
      if (!bucket.tryTake()) {
        timer = setTimeout(pump, bucket.msUntilToken());
        return;
      }
      const waiter = queue.shift()!;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      active += 1;
      waiter.grant(releaseOnce());
    }
  }

  return {
    ratePerS,
    concurrency,
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    concurrencyFull: () => active >= concurrency,
    acquire(signal?: AbortSignal): Promise<ReleaseUpstream> {
      if (signal?.aborted) return Promise.reject(new SynthesisCancelledError());
      if (queue.length >= maxWaiting) return Promise.reject(new UpstreamQueueFullError(maxWaiting));
      return new Promise<ReleaseUpstream>((resolve, reject) => {
        const waiter: Waiter = {
          grant: resolve,
          signal,
          onAbort: () => {
            const index = queue.indexOf(waiter);
            if (index >= 0) queue.splice(index, 1);
            reject(new SynthesisCancelledError('cancelled while waiting for upstream quota'));
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        queue.push(waiter);
        pump();
      });
    },
  };
}

/** No limits (self-hosted servers without a quota, or a baseline in the bench). */
export const unlimitedUpstreamLimiter: UpstreamLimiter = {
  acquire: (signal) => (signal?.aborted ? Promise.reject(new SynthesisCancelledError()) : Promise.resolve(() => {})),
  concurrencyFull: () => false,
};
