/**
 * The CosyVoice cloud engine (DashScope duplex WebSocket): a warm connection pool per
 * endpoint with pre-started tasks for the default voice, a shared upstream limiter, and the
 * shared retry/failover/circuit-breaker loop with resume after a mid-stream drop. Fatal
 * refusals (bad key, unknown default voice or model) make the engine unhealthy with a
 * reason for /healthz.
 */
import type { Observable } from 'rxjs';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import { EndpointSet } from '../../server/src/core/engine-kit/endpoint-set.ts';
import { EngineHealth } from '../../server/src/core/engine-kit/engine-health.ts';
import type { HealthReporting } from '../../server/src/core/engine-kit/health.ts';
import { failureKind } from '../../server/src/core/engine-kit/resilience-errors.ts';
import { resilientSynthesis$, type ResilientEngineParts } from '../../server/src/core/engine-kit/resilient-synthesis.ts';
import { createLocalUpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
import type { SynthesisOutput, SynthesisRequest } from '../../server/src/core/types.ts';
import { ConnectionPool, type PoolStats } from './connection-pool.ts';
import { type CosyVoiceEngineOptions, resolveCosyVoiceOptions } from './options.ts';
import { QuotaDemand } from './pre-started-tasks.ts';
import { synthesisAttempt$ } from './synthesis-attempt.ts';
import { dashscopeCharCount, MAX_CHARS_PER_TASK } from './text-limits.ts';

export interface CosyVoiceEngine extends TtsEngine, HealthReporting {
  /** Warm and busy sockets, and pre-started tasks, per endpoint. */
  poolStats(): ({ url: string } & PoolStats)[];
}

export function createCosyVoiceEngine(engineOptions: CosyVoiceEngineOptions): CosyVoiceEngine {
  const options = resolveCosyVoiceOptions(engineOptions);
  const { name, logger, metrics } = options;
  const log = logger.child({ engine: name });
  const limiter = options.limiter ?? createLocalUpstreamLimiter({ tasksPerS: options.tasksPerS, maxConcurrency: options.maxConcurrency });
  const headers: Record<string, string> = { Authorization: `Bearer ${options.apiKey}` };
  if (options.workspace) headers['X-DashScope-WorkSpace'] = options.workspace;
  const endpoints = new EndpointSet(options.urls, {
    breaker: options.breaker,
    onStateChange: (endpoint, state) => {
      metrics.setCircuitState(name, endpoint.url, state);
      log.warn({ url: endpoint.url, state }, `circuit ${state}`);
      updateWarmTargets();
    },
  });
  /** A fatal refusal (e.g. the key, seen while warming up) stops every pool from reconnecting. */
  const health = new EngineHealth(name, endpoints, log, () => {
    for (const pool of pools.values()) pool.setMinIdle(0);
  });
  const demand = new QuotaDemand();
  const defaults = {
    model: options.model,
    voice: options.voice,
    sampleRateHz: options.sampleRateHz,
    volume: options.volume,
    rate: options.rate,
    pitch: options.pitch,
  };
  const pools = new Map(
    options.urls.map((url) => [
      url,
      new ConnectionPool({
        ...options.pool,
        url,
        headers,
        connectMs: options.deadlines.connectMs,
        engine: name,
        logger: log,
        metrics,
        onConnectError: (error) => {
          health.note(error);
          // An endpoint that cannot even be reached counts against its circuit before any request does.
          if (failureKind(error) === 'endpoint') endpoints.endpoints.find((e) => e.url === url)?.breaker.recordFailure();
        },
        preStart: {
          limiter,
          demand,
          parameters: defaults,
          taskStartedMs: options.deadlines.taskStartedMs,
          onTaskError: (error) => health.note(error),
        },
      }),
    ]),
  );
  /** Keep warm sockets on the preferred endpoint only (the first whose circuit is closed). */
  const updateWarmTargets = () => {
    if (health.refusal()) return;
    const preferred = endpoints.preferred();
    for (const [url, pool] of pools) pool.setMinIdle(url === preferred?.url ? options.pool.minIdle : 0);
  };
  updateWarmTargets();

  /** Idle pre-started tasks retired for waiting readouts whose slots are not released yet. */
  let yielding = 0;
  const yieldPreStarted = (): boolean => {
    if (yielding >= demand.waiting) return false;
    for (const pool of pools.values()) {
      const released = pool.yieldPreStarted();
      if (!released) continue;
      yielding += 1;
      void released.finally(() => (yielding -= 1));
      return true;
    }
    return false;
  };

  const deps = { options, limiter, poolFor: (url: string) => pools.get(url)!, demand, yieldPreStarted };

  const parts: ResilientEngineParts = {
    name,
    sampleRateHz: options.sampleRateHz,
    endpoints,
    health,
    retry: options.retry,
    metrics,
    log,
    random: options.random,
    precheck: (request) => {
      const chars = dashscopeCharCount(request.text);
      return chars > MAX_CHARS_PER_TASK
        ? new EngineError('text_too_long', `text is ${chars} DashScope characters; one task takes at most ${MAX_CHARS_PER_TASK}`, false)
        : undefined;
    },
    attempt$: (request, progress, context) => synthesisAttempt$(deps, request.voice ?? options.voice, progress, context),
  };
  const synthesize = (request: SynthesisRequest, signal?: AbortSignal): Observable<SynthesisOutput> =>
    resilientSynthesis$(parts, request, signal);

  return {
    name,
    sampleRateHz: options.sampleRateHz,
    synthesize,
    healthy: () => health.healthy(),
    healthReason: () => health.healthReason(),
    poolStats: () => [...pools].map(([url, pool]) => ({ url, ...pool.stats() })),
    async close() {
      health.markClosed();
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}
