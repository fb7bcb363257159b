/**
 * A circuit breaker for one upstream endpoint. closed: requests flow; after
 * `failureThreshold` consecutive failures it opens: requests are refused for `openMs`;
 * then half-open: one trial request is let through, whose outcome closes or re-opens it.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  now?: () => number;
  onStateChange?: (state: CircuitState) => void;
}

export const DEFAULT_CIRCUIT_BREAKER = { failureThreshold: 3, openMs: 10_000 } as const;

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAtMs = 0;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAtMs >= this.options.openMs) this.transition('half-open');
    return this.current;
  }

  /** Whether a request may be sent now, without reserving anything. */
  permits(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && !this.trialInFlight);
  }

  /** Reserve the right to send one request; false when the circuit refuses it. */
  tryAcquire(): boolean {
    if (!this.permits()) return false;
    if (this.current === 'half-open') this.trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.trialInFlight = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  recordFailure(): void {
    this.consecutiveFailures += 1;
    this.trialInFlight = false;
    if (this.current === 'half-open' || this.consecutiveFailures >= this.options.failureThreshold) {
      this.openedAtMs = this.now();
      this.transition('open');
    }
  }

  /** The request ended without telling us anything about the endpoint (cancelled, throttled). */
  recordNeutral(): void {
    this.trialInFlight = false;
  }

  private transition(state: CircuitState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
