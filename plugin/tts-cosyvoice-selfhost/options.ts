/** Options of the self-hosted CosyVoice engine, their defaults, and their validation. */
import { ConfigError } from '../../server/src/core/errors.ts';
import { type NetworkEngineOptions, type ResolvedNetworkOptions, resolveNetworkOptions } from '../../server/src/core/engine-kit/network-engine.ts';
import { unlimitedUpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
import { DEFAULT_PROBE_INTERVAL_MS } from '../../server/src/core/engine-kit/endpoint-monitor.ts';
import type { InstructRoute } from './routes.ts';
import type { SilenceOptions } from './voiced-spans.ts';

export interface SelfhostDeadlines {
  /** Request sent → response headers (TCP connect included). */
  connectMs: number;
  /** Response headers → first audio bytes of each sentence (the model's first packet). */
  firstAudioMs: number;
  /** Longest gap between audio chunks once audio flows. */
  stallMs: number;
}

/** The shared network-engine fields (urls, deadlines, retry, breaker, limiter, name, logger, metrics, random) and the server's own. A GPU server has its own capacity: unlimited by default. */
export interface CosyVoiceSelfhostOptions extends NetworkEngineOptions<SelfhostDeadlines> {
  /** spk_id of the SFT model (default 中文女); a request's `voice` overrides it. */
  speaker?: string;
  /** 22050 for CosyVoice 1, 24000 for CosyVoice 2/3 (the server's native rate). */
  sampleRateHz?: 22_050 | 24_000;
  /**
   * How the server applies an instruction (`SynthesisRequest.instruct`): 'instruct2' (CosyVoice2/3:
   * with a cloned voice), 'instruct' (v1: with a preset speaker, needs a CosyVoice-300M-Instruct
   * model), 'off'. Default: 'instruct2' at 24000 Hz, 'off' at 22050 Hz (the v1 default model is -SFT).
   */
  instruct?: InstructRoute;
  /** How often each server is probed while idle (default 5 s). */
  probeIntervalMs?: number;
  silence?: SilenceOptions;
}

export interface ResolvedSelfhostOptions extends ResolvedNetworkOptions<SelfhostDeadlines> {
  speaker: string;
  sampleRateHz: number;
  instructRoute: InstructRoute;
  probeIntervalMs: number;
  silence: SilenceOptions;
}

/** A local GPU server answers fast once warm; its first packet includes model time (~150-400 ms). */
export const DEFAULT_SELFHOST_DEADLINES: SelfhostDeadlines = { connectMs: 500, firstAudioMs: 1500, stallMs: 2000 };

export function resolveSelfhostOptions(options: CosyVoiceSelfhostOptions): ResolvedSelfhostOptions {
  const resolved: ResolvedSelfhostOptions = {
    ...resolveNetworkOptions(options, {
      name: 'cosyvoice-selfhost',
      deadlines: DEFAULT_SELFHOST_DEADLINES,
      limiter: () => unlimitedUpstreamLimiter,
      url: (url) => url.replace(/\/+$/u, ''),
    }),
    speaker: options.speaker ?? '中文女',
    sampleRateHz: options.sampleRateHz ?? 22_050,
    instructRoute: options.instruct ?? (options.sampleRateHz === 24_000 ? 'instruct2' : 'off'),
    probeIntervalMs: options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS,
    silence: options.silence ?? {},
  };
  if (resolved.urls.length === 0) throw new ConfigError('cosyvoice-selfhost: COSYVOICE_SELFHOST_URL must list at least one http(s) URL');
  for (const url of resolved.urls) {
    if (!/^https?:\/\/[^\s/]+/u.test(url)) throw new ConfigError(`cosyvoice-selfhost: COSYVOICE_SELFHOST_URL entry "${url}" is not an http(s) URL`);
  }
  if (!['instruct2', 'instruct', 'off'].includes(resolved.instructRoute)) throw new ConfigError('cosyvoice-selfhost: instruct must be instruct2, instruct or off');
  if (!(resolved.probeIntervalMs > 0)) throw new ConfigError('cosyvoice-selfhost: probeIntervalMs must be > 0');
  if (![22_050, 24_000].includes(resolved.sampleRateHz)) throw new ConfigError('cosyvoice-selfhost: sample rate must be 22050 (v1) or 24000 (v2/v3) Hz');
  return resolved;
}
