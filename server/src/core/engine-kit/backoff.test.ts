import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF } from './backoff.ts';

describe('backoffDelayMs', () => {
  it('doubles from 1 s to a 4 s cap without jitter', () => {
    const policy = { ...DEFAULT_BACKOFF, jitterRatio: 0 };
    expect([0, 1, 2, 3, 4].map((i) => backoffDelayMs(i, policy))).toEqual([1000, 2000, 4000, 4000, 4000]);
  });

  it('spreads each delay by ± the jitter ratio', () => {
    expect(backoffDelayMs(1, DEFAULT_BACKOFF, () => 0)).toBe(1600);
    expect(backoffDelayMs(1, DEFAULT_BACKOFF, () => 0.999_999)).toBe(2400);
    expect(backoffDelayMs(1, DEFAULT_BACKOFF, () => 0.5)).toBe(2000);
  });
});
