import { lastValueFrom, type Observable, of, throwError, concat, NEVER, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.ts';
import { silentLogger } from '../logger.ts';
import { EndpointSet } from './endpoint-set.ts';
import { createInMemoryEngineMetrics } from './in-memory-engine-metrics.ts';
import { CircuitOpenError, DeadlineExceededError, UpstreamThrottledError } from './resilience-errors.ts';
import { type AttemptContext, DEFAULT_RETRY, resilientStream$ } from './resilient-stream.ts';

interface Call {
  url: string;
  atMs: number;
}

function run(urls: string[], attempt$: (context: AttemptContext, call: number) => Observable<string>, retry = {}, breaker = {}) {
  const endpoints = new EndpointSet(urls, { breaker: { failureThreshold: 3, openMs: 60_000, ...breaker } });
  const calls: Call[] = [];
  const metrics = createInMemoryEngineMetrics();
  const startedMs = performance.now();
  const stream$ = resilientStream$({
    engine: 'test',
    endpoints,
    retry: { ...DEFAULT_RETRY, baseDelayMs: 60, maxDelayMs: 400, jitterRatio: 0, ...retry },
    attempt$: (context) => {
      calls.push({ url: context.endpoint.url, atMs: performance.now() - startedMs });
      return attempt$(context, calls.length);
    },
    metrics,
    logger: silentLogger,
  });
  return { stream$, calls, endpoints, metrics };
}

const miss = (url = 'a') => throwError(() => new DeadlineExceededError('first-audio', 10, url));
const gaps = (calls: Call[]) => calls.slice(1).map((c, i) => c.atMs - calls[i]!.atMs);

describe('resilientStream$', () => {
  it('retries the first miss at once on the next endpoint', async () => {
    const { stream$, calls } = run(['a', 'b'], ({ endpoint }) => (endpoint.url === 'a' ? miss() : of('audio')));
    expect(await lastValueFrom(stream$.pipe(toArray()))).toEqual(['audio']);
    expect(calls.map((c) => c.url)).toEqual(['a', 'b']);
    expect(gaps(calls)[0]!).toBeLessThan(40);
  });

  it('then backs off exponentially, and gives up after maxAttempts with the last typed error', async () => {
    const { stream$, calls, metrics } = run(['a', 'b'], () => miss(), { maxAttempts: 5 });
    await expect(lastValueFrom(stream$)).rejects.toMatchObject({ code: 'deadline_exceeded', phase: 'first-audio' });
    expect(calls.map((c) => c.url)).toEqual(['a', 'b', 'a', 'b', 'a']);
    const [immediate, first, second, third] = gaps(calls);
    expect(immediate!).toBeLessThan(40);
    expect(first!).toBeGreaterThanOrEqual(59);
    expect(second!).toBeGreaterThanOrEqual(119);
    expect(third!).toBeGreaterThanOrEqual(239);
    expect(metrics.retries).toEqual({ 'test:deadline_exceeded': 4 });
  });

  it('backs off on throttling without failing over or blaming the endpoint', async () => {
    const throttled = () => throwError(() => new UpstreamThrottledError('slow down'));
    const { stream$, calls, endpoints } = run(['a', 'b'], (_c, n) => (n < 3 ? throttled() : of('audio')), {}, { failureThreshold: 1 });
    await lastValueFrom(stream$);
    expect(calls.map((c) => c.url)).toEqual(['a', 'a', 'a']);
    expect(gaps(calls)[0]!).toBeGreaterThanOrEqual(59);
    expect(endpoints.endpoints.map((e) => e.breaker.state)).toEqual(['closed', 'closed']);
  });

  it('never retries a fatal error', async () => {
    const { stream$, calls } = run(['a', 'b'], () => throwError(() => new EngineError('auth_failed', 'bad key', false)));
    await expect(lastValueFrom(stream$)).rejects.toMatchObject({ code: 'auth_failed' });
    expect(calls).toHaveLength(1);
  });

  it('resets the streak on progress, so a drop after audio resumes at once', async () => {
    const { stream$, calls } = run(['a'], (_c, n) => (n <= 3 ? concat(of(`part${n}`), miss()) : of('end')), { maxAttempts: 2 });
    expect(await lastValueFrom(stream$.pipe(toArray()))).toEqual(['part1', 'part2', 'part3', 'end']);
    expect(gaps(calls).every((gap) => gap < 40)).toBe(true);
  });

  it('wraps untyped errors, and fails fast when every circuit is open', async () => {
    const { stream$, endpoints } = run(['a'], () => throwError(() => new Error('socket hang up')), { maxAttempts: 1 }, { failureThreshold: 1 });
    await expect(lastValueFrom(stream$)).rejects.toMatchObject({ code: 'upstream_error', message: 'socket hang up' });
    expect(endpoints.anyPermits()).toBe(false);
    await expect(lastValueFrom(stream$)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('stops retrying when unsubscribed during a backoff', async () => {
    const { stream$, calls } = run(['a'], () => miss(), { failoverImmediately: false });
    const subscription = stream$.subscribe({ error: () => {} });
    subscription.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toHaveLength(1);
  });

  it('releases a half-open trial when unsubscribed mid-attempt', () => {
    const { stream$, endpoints } = run(['a'], () => NEVER, {}, { failureThreshold: 1, openMs: 0 });
    endpoints.endpoints[0]!.breaker.recordFailure();
    const subscription = stream$.subscribe();
    expect(endpoints.anyPermits()).toBe(false);
    subscription.unsubscribe();
    expect(endpoints.anyPermits()).toBe(true);
  });
});
