import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngineGate } from './engine-gate.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('engine gate', () => {
  it('follows the engine’s health, polled every recheck', () => {
    let healthy = true;
    const gate = createEngineGate({ healthy: () => healthy }, 1_000);
    const seen: boolean[] = [];
    const sub = gate.ready$.subscribe((r) => seen.push(r));
    vi.advanceTimersByTime(0); // the first poll
    expect(seen).toEqual([true]);
    healthy = false;
    vi.advanceTimersByTime(999);
    expect(seen).toEqual([true]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([true, false]);
    healthy = true;
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual([true, false, true]);
    sub.unsubscribe();
    gate.close();
  });

  it('holds for one recheck after a failed attempt, even while the engine says it is healthy', () => {
    const gate = createEngineGate({ healthy: () => true }, 1_000);
    const seen: boolean[] = [];
    const sub = gate.ready$.subscribe((r) => seen.push(r));
    vi.advanceTimersByTime(0); // the first poll
    gate.holdAfterFailure();
    expect(seen).toEqual([true, false]);
    vi.advanceTimersByTime(600);
    gate.holdAfterFailure(); // a second failure extends the hold
    vi.advanceTimersByTime(600);
    expect(seen).toEqual([true, false]);
    vi.advanceTimersByTime(400);
    expect(seen).toEqual([true, false, true]);
    sub.unsubscribe();
    gate.close();
  });
});
