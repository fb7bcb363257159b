import { describe, expect, it } from 'vitest';
import { DropOldestQueue } from './drop-oldest-queue.ts';

describe('DropOldestQueue', () => {
  it('keeps the newest items within its bound and counts what it dropped', () => {
    const q = new DropOldestQueue<number>(3);
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(q.size).toBe(3);
    expect(q.dropped).toBe(2);
    expect(q.drain()).toEqual([3, 4, 5]);
    expect(q.size).toBe(0);
  });

  it('puts a failed send back at the head, still bounded', () => {
    const q = new DropOldestQueue<number>(3);
    q.push(9);
    q.unshift([1, 2, 3]);
    expect(q.drain()).toEqual([2, 3, 9]);
    expect(q.dropped).toBe(1);
  });

  it('refuses a zero capacity', () => {
    expect(() => new DropOldestQueue(0)).toThrow(RangeError);
  });
});
