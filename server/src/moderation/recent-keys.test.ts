import { describe, expect, it } from 'vitest';
import { RecentKeys } from './recent-keys.ts';

describe('RecentKeys', () => {
  it('remembers keys for the window only', () => {
    const keys = new RecentKeys(10);
    keys.record('a', 0, 100);
    expect(keys.seenWithin('a', 100, 99)).toBe(true);
    expect(keys.seenWithin('a', 100, 100)).toBe(false);
    expect(keys.seenWithin('b', 100, 50)).toBe(false);
  });

  it('prunes expired keys on record', () => {
    const keys = new RecentKeys(10);
    for (let i = 0; i < 5; i++) keys.record(`k${i}`, i, 10);
    keys.record('late', 100, 10);
    expect(keys.size).toBe(1);
  });

  it('never holds more than maxKeys, evicting the oldest', () => {
    const keys = new RecentKeys(3);
    for (let i = 0; i < 1_000; i++) keys.record(`k${i}`, i, 1_000_000);
    expect(keys.size).toBe(3);
    expect(keys.seenWithin('k999', 1_000_000, 1_000)).toBe(true);
    expect(keys.seenWithin('k0', 1_000_000, 1_000)).toBe(false);
  });

  it('moves a re-recorded key to the newest end', () => {
    const keys = new RecentKeys(2);
    keys.record('a', 0, 1_000);
    keys.record('b', 1, 1_000);
    keys.record('a', 2, 1_000);
    keys.record('c', 3, 1_000);
    expect(keys.seenWithin('a', 1_000, 3)).toBe(true);
    expect(keys.seenWithin('b', 1_000, 3)).toBe(false);
  });
});
