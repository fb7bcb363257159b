import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.ts';

describe('CircuitBreaker', () => {
  const setup = () => {
    let nowMs = 0;
    const states: CircuitState[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 100, now: () => nowMs, onStateChange: (s) => states.push(s) });
    return { breaker, states, advance: (ms: number) => (nowMs += ms) };
  };

  it('opens after the threshold of consecutive failures and refuses requests', () => {
    const { breaker, states } = setup();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(states).toEqual(['open']);
  });

  it('half-opens after the cool-down with a single trial, closing on success', () => {
    const { breaker, states, advance } = setup();
    breaker.recordFailure();
    breaker.recordFailure();
    advance(100);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens when the trial fails, and frees the trial when it ends neutrally', () => {
    const { breaker, advance } = setup();
    breaker.recordFailure();
    breaker.recordFailure();
    advance(100);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordNeutral();
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
  });
});
