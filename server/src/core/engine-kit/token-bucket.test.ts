import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('hands out the saved burst, then one token per 1/rate seconds', () => {
    let nowMs = 0;
    const bucket = new TokenBucket(2.4, 1, () => nowMs);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.msUntilToken()).toBe(417);
    nowMs += 417;
    expect(bucket.tryTake()).toBe(true);
  });

  it('never saves more than its capacity', () => {
    let nowMs = 0;
    const bucket = new TokenBucket(10, 2, () => nowMs);
    nowMs += 10_000;
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
  });
});
