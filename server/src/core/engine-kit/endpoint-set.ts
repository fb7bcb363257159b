/**
 * The upstream endpoints of one engine (COSYVOICE_URL may be a comma list), each with its
 * own circuit breaker. Picks the preferred endpoint first and rotates on failure.
 */
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.ts';

export interface Endpoint {
  readonly url: string;
  readonly breaker: CircuitBreaker;
}

export interface EndpointSetOptions {
  breaker: Omit<CircuitBreakerOptions, 'onStateChange'>;
  onStateChange?: (endpoint: Endpoint, state: CircuitState) => void;
}

export class EndpointSet {
  readonly endpoints: readonly Endpoint[];

  constructor(urls: readonly string[], options: EndpointSetOptions) {
    this.endpoints = urls.map((url) => {
      const endpoint: Endpoint = {
        url,
        breaker: new CircuitBreaker({
          ...options.breaker,
          onStateChange: (state) => options.onStateChange?.(endpoint, state),
        }),
      };
      return endpoint;
    });
  }

  /** The first endpoint, in configured order, whose circuit lets requests through. */
  preferred(): Endpoint | undefined {
    return this.endpoints.find((e) => e.breaker.permits());
  }

  /**
   * Reserve the endpoint for the next attempt: the preferred one for a first attempt, else the
   * next one after `previous` (wrapping, so a single endpoint is retried). Undefined when every
   * circuit is open.
   */
  acquireNext(previous?: Endpoint): Endpoint | undefined {
    const start = previous ? this.endpoints.indexOf(previous) + 1 : 0;
    for (let i = 0; i < this.endpoints.length; i++) {
      const candidate = this.endpoints[(start + i) % this.endpoints.length];
      if (candidate?.breaker.tryAcquire()) return candidate;
    }
    return undefined;
  }

  anyPermits(): boolean {
    return this.endpoints.some((e) => e.breaker.permits());
  }
}
