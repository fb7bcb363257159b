/**
 * Queue writes that must not be lost: a StorageError (full or read-only disk) is logged and
 * the write retried in the background, a bounded number of times, instead of stopping the
 * pipeline. Other errors pass through.
 */
import { StorageError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export interface StorageRetryOptions {
  log: Logger;
  /** Default 1 s. */
  retryEveryMs?: number;
  /** Default 120 (≈ 2 min at 1 s). */
  maxAttempts?: number;
}

export interface StorageRetry {
  /** Runs `write`; on a StorageError, again every retryEveryMs until it succeeds or maxAttempts ran. */
  durably(what: string, write: () => void): void;
  /**
   * Runs a read that may fail on storage: a StorageError means "nothing now" (undefined) and
   * `retry` is called after retryEveryMs (the limiter's pull, woken again).
   */
  orLater<T>(what: string, read: () => T, retry: () => void): T | undefined;
  /** Cancels pending retries. */
  close(): void;
}

export function createStorageRetry({ log, retryEveryMs = 1_000, maxAttempts = 120 }: StorageRetryOptions): StorageRetry {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, retryEveryMs);
    timer.unref();
    timers.add(timer);
  };
  const storageFailure = (err: unknown): StorageError => {
    if (err instanceof StorageError) return err;
    throw err;
  };

  const durably = (what: string, write: () => void, attempt = 1): void => {
    try {
      write();
    } catch (caught) {
      const err = storageFailure(caught);
      log.error({ what, attempt, code: err.code, detail: err.message }, 'queue write failed; retrying');
      if (attempt < maxAttempts) later(() => durably(what, write, attempt + 1));
    }
  };

  return {
    durably: (what, write) => durably(what, write),
    orLater(what, read, retry) {
      try {
        return read();
      } catch (caught) {
        const err = storageFailure(caught);
        log.error({ what, code: err.code, detail: err.message }, 'queue read failed; retrying');
        later(retry);
        return undefined;
      }
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
