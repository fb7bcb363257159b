/**
 * Options of the CosyVoice cloud engine, their defaults, and their validation (a bad value
 * is a ConfigError at start-up with a message naming the setting, not a failure per request).
 */
import { ConfigError } from '../../server/src/core/errors.ts';
import { type NetworkEngineOptions, type ResolvedNetworkOptions, resolveNetworkOptions } from '../../server/src/core/engine-kit/network-engine.ts';
import { createLocalUpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
import type { SynthesisParameters } from './dashscope-protocol.ts';
import type { WordTimeBase } from './word-clock.ts';

export const DASHSCOPE_SAMPLE_RATES_HZ = [8000, 16000, 22050, 24000, 44100, 48000] as const;

export interface CosyVoiceDeadlines {
  /** DNS + TCP + TLS + WebSocket upgrade of a cold connection. */
  connectMs: number;
  /** run-task → task-started. */
  taskStartedMs: number;
  /** First continue-task → first audio packet. */
  firstAudioMs: number;
  /** Longest gap between audio packets once audio flows. */
  stallMs: number;
}

export interface CosyVoicePoolOptions {
  /** Warm sockets kept open on the preferred endpoint. */
  minIdle: number;
  /** Idle sockets kept at most (returned ones beyond this are closed). */
  maxIdle: number;
  /**
   * Replace an idle socket, or a pre-started task nobody has used yet, after this long:
   * before the server's idle timeout (`serverIdleTimeoutMs`) closes it.
   */
  idleRenewMs: number;
  /** Ping idle sockets (and those holding a pre-started task) this often; one that misses a pong is replaced. */
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /**
   * Tasks kept pre-started ("warm tasks") on the preferred endpoint's idle sockets: run-task
   * already sent with the engine's default parameters and task-started received, so a
   * readout in the default voice sends its text at once and skips the run-task round trip.
   * Each holds one slot of the upstream limiter (and took one submission token). At most
   * `minIdle` are kept (they live on the warm sockets); 0 disables them. Default 1.
   */
  preStartedTasks: number;
  /**
   * The server's idle timeout: a task that gets no text (or a socket that gets no message)
   * for this long is closed by DashScope (23 s). Pre-started tasks are renewed after
   * `idleRenewMs` and closed, renewed or not, halfway between the two.
   */
  serverIdleTimeoutMs: number;
}

/** Voice enrollment (cloning) over DashScope's customization REST API. */
export interface CosyVoiceEnrollmentTiming {
  /** One REST call (create, query, delete). */
  requestMs: number;
  /** First wait before asking whether a new voice is ready; doubled after each DEPLOYING answer… */
  pollFirstMs: number;
  /** …up to this. */
  pollMaxMs: number;
  /** A voice still DEPLOYING after this long is given up (and deleted). */
  deadlineMs: number;
}

/** The shared network-engine fields (urls, deadlines, retry, breaker, limiter, name, logger, metrics, random) and CosyVoice's own. */
export interface CosyVoiceEngineOptions extends NetworkEngineOptions<CosyVoiceDeadlines> {
  apiKey: string;
  /** Optional X-DashScope-WorkSpace header. */
  workspace?: string;
  model?: string;
  voice?: string;
  sampleRateHz?: number;
  /** 0–100. */
  volume?: number;
  /** Speaking rate 0.5–2. */
  rate?: number;
  /** 0.5–2. */
  pitch?: number;
  /** The account's task submission quota per second; the relay uses 80% of it (unless `limiter` is given). */
  tasksPerS?: number;
  /** The account's concurrent task quota; the relay uses 80% of it (at least 1). */
  maxConcurrency?: number;
  pool?: Partial<CosyVoicePoolOptions>;
  /** Whether word times count from the task's or the sentence's first sample; 'auto' detects it. */
  wordTimeBase?: WordTimeBase;
  /**
   * The voice customization endpoint (…/api/v1/services/audio/tts/customization). Default: on
   * the host of the first `urls` entry (wss → https), which is where DashScope serves it.
   */
  enrollUrl?: string;
  enrollment?: Partial<CosyVoiceEnrollmentTiming>;
}

/** `voice` is the default voice; a request's voice overrides it. */
export interface ResolvedCosyVoiceOptions extends ResolvedNetworkOptions<CosyVoiceDeadlines>, SynthesisParameters {
  apiKey: string;
  workspace: string | undefined;
  tasksPerS: number;
  maxConcurrency: number;
  pool: CosyVoicePoolOptions;
  wordTimeBase: WordTimeBase;
  enrollUrl: string;
  enrollment: CosyVoiceEnrollmentTiming;
}

/** The run-task parameters for `voice` (default: the engine's default voice) and an optional instruction. */
export function synthesisParameters(options: ResolvedCosyVoiceOptions, voice = options.voice, instruction?: string): SynthesisParameters {
  const { model, sampleRateHz, volume, rate, pitch } = options;
  return { model, voice, sampleRateHz, volume, rate, pitch, ...(instruction === undefined ? {} : { instruction }) };
}

/**
 * Phase deadlines. The seed article's 300 ms first packet is below the ~500 ms DashScope
 * documents for a reused connection, so the default first-audio deadline leaves room for it.
 */
export const DEFAULT_DEADLINES: CosyVoiceDeadlines = { connectMs: 1000, taskStartedMs: 600, firstAudioMs: 800, stallMs: 1500 };

/**
 * Enrollment timing. A public client measured ~15 s from create_voice to OK; others poll every
 * 3–10 s for up to 2–5 minutes. The first poll comes soon (a fake or a quick answer), then backs off.
 */
export const DEFAULT_ENROLLMENT_TIMING: CosyVoiceEnrollmentTiming = { requestMs: 15_000, pollFirstMs: 500, pollMaxMs: 5_000, deadlineMs: 180_000 };

/** Voice customization lives on the inference host: wss://host/api-ws/v1/inference → https://host/api/v1/services/audio/tts/customization. */
export const CUSTOMIZATION_PATH = '/api/v1/services/audio/tts/customization';

function defaultEnrollUrl(urls: readonly string[]): string {
  const first = urls[0];
  if (!first) return '';
  const url = new URL(first);
  return `${url.protocol === 'ws:' ? 'http:' : 'https:'}//${url.host}${CUSTOMIZATION_PATH}`;
}

export const DEFAULT_POOL: CosyVoicePoolOptions = {
  minIdle: 2,
  maxIdle: 4,
  idleRenewMs: 20_000,
  pingIntervalMs: 5_000,
  pongTimeoutMs: 2_000,
  preStartedTasks: 1,
  serverIdleTimeoutMs: 23_000,
};

function check(condition: boolean, message: string): void {
  if (!condition) throw new ConfigError(`cosyvoice: ${message}`);
}

const inRange = (value: number, min: number, max: number) => Number.isFinite(value) && value >= min && value <= max;

export function resolveCosyVoiceOptions(options: CosyVoiceEngineOptions): ResolvedCosyVoiceOptions {
  const pool = { ...DEFAULT_POOL, ...options.pool };
  const tasksPerS = options.tasksPerS ?? 3;
  const maxConcurrency = options.maxConcurrency ?? 3;
  check(tasksPerS > 0, 'COSYVOICE_TASKS_PER_S must be > 0');
  check(Number.isInteger(maxConcurrency) && maxConcurrency >= 1, 'COSYVOICE_MAX_CONCURRENCY must be an integer >= 1');
  const resolved: ResolvedCosyVoiceOptions = {
    ...resolveNetworkOptions(options, {
      name: 'cosyvoice',
      deadlines: DEFAULT_DEADLINES,
      limiter: () => createLocalUpstreamLimiter({ tasksPerS, maxConcurrency }),
    }),
    apiKey: options.apiKey?.trim() ?? '',
    workspace: options.workspace,
    model: options.model ?? 'cosyvoice-v2',
    voice: options.voice ?? 'longxiaochun_v2',
    sampleRateHz: options.sampleRateHz ?? 24_000,
    volume: options.volume ?? 50,
    rate: options.rate ?? 1,
    pitch: options.pitch ?? 1,
    tasksPerS,
    maxConcurrency,
    pool: { ...pool, maxIdle: Math.max(pool.maxIdle, pool.minIdle) },
    wordTimeBase: options.wordTimeBase ?? 'auto',
    enrollUrl: '',
    enrollment: { ...DEFAULT_ENROLLMENT_TIMING, ...options.enrollment },
  };
  check(resolved.apiKey.length > 0, 'COSYVOICE_API_KEY is required for the cloud engine');
  check(resolved.urls.length > 0, 'COSYVOICE_URL must list at least one wss:// URL');
  for (const url of resolved.urls) check(/^wss?:\/\/[^\s/]+/u.test(url), `COSYVOICE_URL entry "${url}" is not a ws:// or wss:// URL`);
  resolved.enrollUrl = options.enrollUrl?.trim() || defaultEnrollUrl(resolved.urls);
  check(/^https?:\/\/[^\s/]+/u.test(resolved.enrollUrl), `COSYVOICE_ENROLL_URL "${resolved.enrollUrl}" is not an http:// or https:// URL`);
  const timing = resolved.enrollment;
  check(Object.values(timing).every((ms) => ms > 0) && timing.pollMaxMs >= timing.pollFirstMs, 'enrollment timings must be > 0 ms and pollMaxMs >= pollFirstMs');
  check((DASHSCOPE_SAMPLE_RATES_HZ as readonly number[]).includes(resolved.sampleRateHz), `sample rate must be one of ${DASHSCOPE_SAMPLE_RATES_HZ.join(', ')} Hz`);
  check(Number.isInteger(resolved.volume) && inRange(resolved.volume, 0, 100), 'volume must be an integer 0-100');
  check(inRange(resolved.rate, 0.5, 2), 'rate must be 0.5-2');
  check(inRange(resolved.pitch, 0.5, 2), 'pitch must be 0.5-2');
  check(Number.isInteger(pool.minIdle) && pool.minIdle >= 0, 'pool.minIdle must be an integer >= 0');
  check(pool.idleRenewMs > 0 && pool.pingIntervalMs > 0 && pool.pongTimeoutMs > 0, 'pool intervals must be > 0 ms');
  check(Number.isInteger(pool.preStartedTasks) && pool.preStartedTasks >= 0, 'pool.preStartedTasks must be an integer >= 0');
  check(pool.serverIdleTimeoutMs > pool.idleRenewMs, 'pool.idleRenewMs must be below pool.serverIdleTimeoutMs (the server closes idle tasks and sockets then)');
  return resolved;
}
