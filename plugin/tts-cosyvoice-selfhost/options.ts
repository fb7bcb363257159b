/** Options of the self-hosted CosyVoice engine, their defaults, and their validation. */
import { ConfigError } from '../../server/src/core/errors.ts';
import { type Logger, silentLogger } from '../../server/src/core/logger.ts';
import { DEFAULT_CIRCUIT_BREAKER } from '../../server/src/core/engine-kit/circuit-breaker.ts';
import { type EngineMetrics, noopEngineMetrics } from '../../server/src/core/engine-kit/engine-metrics.ts';
import { DEFAULT_RETRY, type RetryPolicy } from '../../server/src/core/engine-kit/resilient-stream.ts';
import { type UpstreamLimiter, unlimitedUpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
import type { SilenceOptions } from './voiced-spans.ts';

export interface SelfhostDeadlines {
  /** Request sent → response headers (TCP connect included). */
  connectMs: number;
  /** Response headers → first audio bytes of each sentence (the model's first packet). */
  firstAudioMs: number;
  /** Longest gap between audio chunks once audio flows. */
  stallMs: number;
}

export interface CosyVoiceSelfhostOptions {
  /** Server base URLs, tried in order (COSYVOICE_SELFHOST_URL may be a comma list). */
  urls: readonly string[];
  /** spk_id of the SFT model (default 中文女); a request's `voice` overrides it. */
  speaker?: string;
  /** 22050 for CosyVoice 1, 24000 for CosyVoice 2/3 (the server's native rate). */
  sampleRateHz?: 22_050 | 24_000;
  deadlines?: Partial<SelfhostDeadlines>;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<{ failureThreshold: number; openMs: number }>;
  /** A GPU server has its own capacity; unlimited by default. */
  limiter?: UpstreamLimiter;
  silence?: SilenceOptions;
  name?: string;
  logger?: Logger;
  metrics?: EngineMetrics;
  random?: () => number;
}

export interface ResolvedSelfhostOptions {
  urls: readonly string[];
  speaker: string;
  sampleRateHz: number;
  deadlines: SelfhostDeadlines;
  retry: RetryPolicy;
  breaker: { failureThreshold: number; openMs: number };
  limiter: UpstreamLimiter;
  silence: SilenceOptions;
  name: string;
  logger: Logger;
  metrics: EngineMetrics;
  random: () => number;
}

/** A local GPU server answers fast once warm; its first packet includes model time (~150-400 ms). */
export const DEFAULT_SELFHOST_DEADLINES: SelfhostDeadlines = { connectMs: 500, firstAudioMs: 1500, stallMs: 2000 };

export function resolveSelfhostOptions(options: CosyVoiceSelfhostOptions): ResolvedSelfhostOptions {
  const resolved: ResolvedSelfhostOptions = {
    urls: options.urls.map((u) => u.trim().replace(/\/+$/u, '')).filter(Boolean),
    speaker: options.speaker ?? '中文女',
    sampleRateHz: options.sampleRateHz ?? 22_050,
    deadlines: { ...DEFAULT_SELFHOST_DEADLINES, ...options.deadlines },
    retry: { ...DEFAULT_RETRY, ...options.retry },
    breaker: { ...DEFAULT_CIRCUIT_BREAKER, ...options.breaker },
    limiter: options.limiter ?? unlimitedUpstreamLimiter,
    silence: options.silence ?? {},
    name: options.name ?? 'cosyvoice-selfhost',
    logger: options.logger ?? silentLogger,
    metrics: options.metrics ?? noopEngineMetrics,
    random: options.random ?? Math.random,
  };
  if (resolved.urls.length === 0) throw new ConfigError('cosyvoice-selfhost: COSYVOICE_SELFHOST_URL must list at least one http(s) URL');
  for (const url of resolved.urls) {
    if (!/^https?:\/\/[^\s/]+/u.test(url)) throw new ConfigError(`cosyvoice-selfhost: COSYVOICE_SELFHOST_URL entry "${url}" is not an http(s) URL`);
  }
  if (![22_050, 24_000].includes(resolved.sampleRateHz)) throw new ConfigError('cosyvoice-selfhost: sample rate must be 22050 (v1) or 24000 (v2/v3) Hz');
  return resolved;
}
