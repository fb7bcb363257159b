/**
 * Global limits on upstream work shared by every readout: a task-submission rate (token
 * bucket) and a concurrency cap. At the limit work waits in a bounded FIFO (backpressure);
 * it is never sent upstream to fail. Spare work (pre-started tasks) goes behind every
 * readout and gives its slot back when a readout needs it. The interface is what engines
 * depend on; a Redis-backed one (plugin/redis) shares one quota across processes.
 */
import { SynthesisCancelledError, UpstreamQueueFullError } from './resilience-errors.ts';
import { TokenBucket } from './token-bucket.ts';

/** Gives the slot back. Idempotent. */
export type ReleaseUpstream = () => void;

/** Work holding a spare grant (a pre-started task), asked to give its slot to a waiting readout. */
export interface SpareWork {
  /**
   * Release the grant soon (e.g. once a socket is closed): true. False when the work is no
   * longer spare (a readout took it over, grant included): the limiter asks another.
   */
  giveWay(): boolean;
}

export interface UpstreamLimiter {
  /**
   * Wait for one task submission token and one concurrency slot. Rejects with
   * SynthesisCancelledError when `signal` aborts, UpstreamQueueFullError when the wait queue is full.
   */
  acquire(signal?: AbortSignal): Promise<ReleaseUpstream>;
  /**
   * The same grant for work that only saves time later (a pre-started task); it never keeps
   * a readout waiting: it is not granted while any `acquire` waits (in every process sharing
   * the quota), and while held, `work.giveWay()` is called when an `acquire` waits that no
   * free slot or grant already giving way will serve.
   */
  acquireSpare(work: SpareWork, signal?: AbortSignal): Promise<ReleaseUpstream>;
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
  /** Readouts waiting (spare work waiting is not counted). */
  readonly waiting: number;
}

interface Waiter {
  grant: (release: ReleaseUpstream) => void;
  signal?: AbortSignal;
  onAbort: () => void;
  /** Set for a spare grant's waiter. */
  spare?: SpareWork;
}

/** A spare grant held, and whether it was asked to give way (its slot is on its way back). */
interface HeldSpare {
  work: SpareWork;
  givingWay: boolean;
}

export function createLocalUpstreamLimiter(options: LocalUpstreamLimiterOptions): LocalUpstreamLimiter {
  const utilization = options.utilization ?? 0.8;
  const ratePerS = options.tasksPerS * utilization;
  const concurrency = Math.max(1, Math.floor(options.maxConcurrency * utilization + 1e-9));
  const maxWaiting = options.maxWaiting ?? 256;
  const bucket = new TokenBucket(ratePerS, options.burst ?? 1, options.now);
  /** Readouts waiting, first in first out; spare work waits behind all of them. */
  const queue: Waiter[] = [];
  const spareQueue: Waiter[] = [];
  const heldSpares = new Set<HeldSpare>();
  let active = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const releaseOnce = (held?: HeldSpare): ReleaseUpstream => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (held) heldSpares.delete(held);
      active -= 1;
      pump();
    };
  };

  function pump(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (active < concurrency) {
      const waiters = queue.length > 0 ? queue : spareQueue;
      if (waiters.length === 0) break;
      if (!bucket.tryTake()) {
        timer = setTimeout(pump, bucket.msUntilToken());
        break;
      }
      const waiter = waiters.shift()!;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      active += 1;
      const held = waiter.spare ? { work: waiter.spare, givingWay: false } : undefined;
      if (held) heldSpares.add(held);
      waiter.grant(releaseOnce(held));
    }
    askSparesToGiveWay();
  }

  /** Readouts that neither a free slot nor a spare grant already giving way will serve: that many spares give way. */
  function askSparesToGiveWay(): void {
    const held = [...heldSpares];
    let needed = queue.length - (concurrency - active) - held.filter((h) => h.givingWay).length;
    for (const spare of held.reverse()) {
      if (needed <= 0) return;
      if (spare.givingWay) continue;
      if (spare.work.giveWay()) {
        spare.givingWay = true;
        needed -= 1;
      } else heldSpares.delete(spare); // a readout's grant now
    }
  }

  const enqueue = (waiters: Waiter[], signal: AbortSignal | undefined, spare?: SpareWork): Promise<ReleaseUpstream> => {
    if (signal?.aborted) return Promise.reject(new SynthesisCancelledError());
    if (waiters.length >= maxWaiting) return Promise.reject(new UpstreamQueueFullError(maxWaiting));
    return new Promise<ReleaseUpstream>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        signal,
        spare,
        onAbort: () => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
          reject(new SynthesisCancelledError('cancelled while waiting for upstream quota'));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      waiters.push(waiter);
      pump();
    });
  };

  return {
    ratePerS,
    concurrency,
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    acquire: (signal) => enqueue(queue, signal),
    acquireSpare: (work, signal) => enqueue(spareQueue, signal, work),
  };
}

const grantAtOnce = (signal?: AbortSignal): Promise<ReleaseUpstream> =>
  signal?.aborted ? Promise.reject(new SynthesisCancelledError()) : Promise.resolve(() => {});

/** No limits (self-hosted servers without a quota, or a baseline in the bench). */
export const unlimitedUpstreamLimiter: UpstreamLimiter = {
  acquire: grantAtOnce,
  acquireSpare: (_work, signal) => grantAtOnce(signal),
};
