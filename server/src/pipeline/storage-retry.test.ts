import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import { createStorageRetry } from './storage-retry.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const diskFull = () => new StorageError('queue mark played failed: disk I/O error (SQLITE_FULL) — the disk is full');

describe('storage retry', () => {
  it('retries a refused write until the disk takes it, then stops', () => {
    const retry = createStorageRetry({ log: silentLogger, retryEveryMs: 1_000 });
    let failures = 2;
    const write = vi.fn(() => {
      if (failures-- > 0) throw diskFull();
    });
    retry.durably('mark played', write);
    expect(write).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    expect(write).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1_000);
    expect(write).toHaveBeenCalledTimes(3); // succeeded
    vi.advanceTimersByTime(10_000);
    expect(write).toHaveBeenCalledTimes(3);
  });

  it('gives up after maxAttempts, and close() cancels what is pending', () => {
    const retry = createStorageRetry({ log: silentLogger, retryEveryMs: 10, maxAttempts: 3 });
    const write = vi.fn(() => {
      throw diskFull();
    });
    retry.durably('drop', write);
    vi.advanceTimersByTime(1_000);
    expect(write).toHaveBeenCalledTimes(3);

    const other = vi.fn(() => {
      throw diskFull();
    });
    retry.durably('requeue', other);
    retry.close();
    vi.advanceTimersByTime(1_000);
    expect(other).toHaveBeenCalledTimes(1);
  });

  it('lets other errors through', () => {
    const retry = createStorageRetry({ log: silentLogger });
    expect(() =>
      retry.durably('x', () => {
        throw new TypeError('a bug');
      }),
    ).toThrow(TypeError);
    expect(() => retry.orLater('y', () => { throw new TypeError('a bug'); }, () => {})).toThrow(TypeError);
  });

  it('orLater answers undefined on a storage failure and calls back after the delay', () => {
    const retry = createStorageRetry({ log: silentLogger, retryEveryMs: 500 });
    const wake = vi.fn();
    expect(retry.orLater('take', () => 'next', wake)).toBe('next');
    expect(retry.orLater('take', () => { throw diskFull(); }, wake)).toBeUndefined();
    expect(wake).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(wake).toHaveBeenCalledTimes(1);
  });
});
