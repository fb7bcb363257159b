/**
 * A network TTS engine from its attempt alone. The plugin supplies one attempt (connect, send,
 * parse) at the rest of an utterance on one endpoint; the kit supplies everything around it:
 * a refusal while the engine is unhealthy, empty text as silence, retries with backoff,
 * failover between endpoints with a circuit breaker each, resume by the utterance's progress,
 * health with a reason, circuit-state and first-packet metrics, cancellation by `signal`.
 * The shared option fields of network engines are declared (and defaulted) here once.
 */
import { defer, EMPTY, finalize, type Observable, tap, throwError } from 'rxjs';
import { NO_CLONING, type TtsEngine, type VoiceCloning } from '../engine.ts';
import { ConfigError, type EngineError } from '../errors.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { SpeechParam, SynthesisOutput, SynthesisRequest } from '../types.ts';
import { cancelOnAbort } from './cancel-on-abort.ts';
import { type CircuitBreakerOptions, DEFAULT_CIRCUIT_BREAKER } from './circuit-breaker.ts';
import { type EndpointProbe, EndpointMonitor } from './endpoint-monitor.ts';
import { EndpointSet } from './endpoint-set.ts';
import { EngineHealth } from './engine-health.ts';
import { type EngineMetrics, noopEngineMetrics } from './engine-metrics.ts';
import { type AttemptContext, DEFAULT_RETRY, resilientStream$, type RetryPolicy } from './resilient-stream.ts';
import { trackRequest } from './track-request.ts';
import type { UpstreamLimiter } from './upstream-limiter.ts';
import { UtteranceProgress } from './utterance-progress.ts';

export type BreakerSettings = Pick<CircuitBreakerOptions, 'failureThreshold' | 'openMs'>;

/** The option fields every network engine takes; `Deadlines` are its per-phase timeouts. */
export interface NetworkEngineOptions<Deadlines> {
  /** Upstream URLs, tried in order (a comma list in the environment). */
  urls: readonly string[];
  deadlines?: Partial<Deadlines>;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerSettings>;
  /** The upstream's quota (e.g. shared through Redis); each engine has its own default. */
  limiter?: UpstreamLimiter;
  /** Engine name in logs and metrics. */
  name?: string;
  logger?: Logger;
  metrics?: EngineMetrics;
  /** Random source for backoff jitter (tests pass a fixed one). */
  random?: () => number;
}

export interface ResolvedNetworkOptions<Deadlines> {
  urls: readonly string[];
  deadlines: Deadlines;
  retry: RetryPolicy;
  breaker: BreakerSettings;
  limiter: UpstreamLimiter;
  name: string;
  logger: Logger;
  metrics: EngineMetrics;
  random: () => number;
}

export interface NetworkEngineDefaults<Deadlines> {
  name: string;
  deadlines: Deadlines;
  limiter: () => UpstreamLimiter;
  /** Normalizes one configured URL (trimmed already). */
  url?: (url: string) => string;
}

/** Fills in the shared fields' defaults; a deadline or retry count out of range is a ConfigError. */
export function resolveNetworkOptions<Deadlines extends object>(
  options: NetworkEngineOptions<Deadlines>,
  defaults: NetworkEngineDefaults<Deadlines>,
): ResolvedNetworkOptions<Deadlines> {
  const resolved: ResolvedNetworkOptions<Deadlines> = {
    urls: options.urls.map((u) => (defaults.url ?? ((url: string) => url))(u.trim())).filter(Boolean),
    deadlines: { ...defaults.deadlines, ...options.deadlines },
    retry: { ...DEFAULT_RETRY, ...options.retry },
    breaker: { ...DEFAULT_CIRCUIT_BREAKER, ...options.breaker },
    limiter: options.limiter ?? defaults.limiter(),
    name: options.name ?? defaults.name,
    logger: options.logger ?? silentLogger,
    metrics: options.metrics ?? noopEngineMetrics,
    random: options.random ?? Math.random,
  };
  for (const [phase, ms] of Object.entries(resolved.deadlines)) {
    if (!(Number(ms) > 0)) throw new ConfigError(`${defaults.name}: deadline ${phase} must be > 0 ms`);
  }
  if (!(resolved.retry.maxAttempts >= 1)) throw new ConfigError(`${defaults.name}: retry.maxAttempts must be >= 1`);
  return resolved;
}

export interface NetworkEngineParts {
  options: ResolvedNetworkOptions<object>;
  sampleRateHz: number;
  /** Default none. */
  speechParams?: readonly SpeechParam[];
  /** Default: cannot list them. */
  voices?: () => readonly string[];
  /** Default: no cloned voices. */
  cloning?: VoiceCloning;
  /** A refusal before any attempt (e.g. text over the upstream's limit). */
  precheck?: (request: SynthesisRequest) => EngineError | undefined;
  /** One attempt at what `progress` has not produced yet, on `context.endpoint`. */
  attempt$: (request: SynthesisRequest, progress: UtteranceProgress, context: AttemptContext) => Observable<SynthesisOutput>;
  /** An endpoint's circuit opened or closed (after the kit recorded and logged it). */
  onCircuitChange?: () => void;
  /** A fatal refusal (bad key, unknown default voice) disabled the engine. */
  onDisabled?: () => void;
  /** Frees the plugin's own resources (sockets); the kit marks the engine closed first. */
  close?: () => Promise<void>;
  /** A cheap request that tells whether an endpoint answers, run at start and every `probeIntervalMs` while idle; without it, only requests tell. */
  probe?: EndpointProbe;
  probeIntervalMs?: number;
}

/** A network engine, with the kit's endpoints and health its plugin may consult (warm pools). */
export interface NetworkEngine extends TtsEngine {
  readonly endpoints: EndpointSet;
  readonly health: EngineHealth;
}

export function createNetworkEngine(parts: NetworkEngineParts): NetworkEngine {
  const { options, sampleRateHz } = parts;
  const { name, metrics } = options;
  const log = options.logger; // the composition root binds `engine` (engines.ts)
  const endpoints = new EndpointSet(options.urls, {
    breaker: options.breaker,
    onStateChange: (endpoint, state) => {
      metrics.setCircuitState(name, endpoint.url, state);
      log.warn({ url: endpoint.url, state }, `circuit ${state}`);
      parts.onCircuitChange?.();
    },
  });
  const health = new EngineHealth(name, endpoints, log, () => parts.onDisabled?.());
  let requestsInFlight = 0;
  const monitor = new EndpointMonitor({
    urls: options.urls,
    ...(parts.probe ? { probe: parts.probe } : {}),
    ...(parts.probeIntervalMs ? { intervalMs: parts.probeIntervalMs } : {}),
    busy: () => requestsInFlight > 0,
    logger: log,
  });
  monitor.start();
  /** With a probe, an engine none of whose servers answers cannot speak (known before a caption fails). */
  const unreachableReason = (): string | undefined =>
    parts.probe && monitor.noneReachable()
      ? `no ${name} server answers: ${monitor.statuses().map((s) => `${s.url} (${s.detail ?? 'unreachable'})`).join(', ')}`
      : undefined;

  const synthesize = (request: SynthesisRequest, signal?: AbortSignal): Observable<SynthesisOutput> =>
    defer(() => {
      const refusal = health.refusal() ?? parts.precheck?.(request);
      if (refusal) return throwError(() => refusal);
      if (!request.text.trim()) return EMPTY;
      const progress = new UtteranceProgress(request.text, sampleRateHz);
      return resilientStream$<SynthesisOutput>({
        engine: name,
        endpoints,
        retry: options.retry,
        attempt$: (context) =>
          parts.attempt$(request, progress, context).pipe(
            tap({
              next: (output) => output.kind === 'audio' && monitor.noteOutcome(context.endpoint.url),
              error: (error: unknown) => monitor.noteOutcome(context.endpoint.url, error),
            }),
          ),
        isProgress: (output) => output.kind === 'audio',
        metrics,
        logger: log.child({ id: request.id }),
        random: options.random,
      }).pipe(
        trackRequest(name, metrics, (error) => health.note(error)),
        (stream$) =>
          defer(() => {
            requestsInFlight += 1;
            return stream$.pipe(finalize(() => (requestsInFlight -= 1)));
          }),
      );
    }).pipe(cancelOnAbort(signal));

  return {
    name,
    sampleRateHz,
    speechParams: parts.speechParams ?? [],
    cloning: parts.cloning ?? NO_CLONING,
    voices: parts.voices ?? (() => []),
    endpoints,
    health,
    synthesize,
    healthy: () => health.healthy() && !unreachableReason(),
    healthReason: () => health.healthReason() ?? unreachableReason(),
    endpointStatuses: () => monitor.statuses(),
    async close() {
      health.markClosed();
      monitor.close();
      await parts.close?.();
    },
  };
}
