/**
 * Options of the DashScope recognizer, their defaults, and their validation (a bad value is a
 * ConfigError at start-up naming the setting).
 */
import type { Observable } from 'rxjs';
import { ConfigError } from '../../server/src/core/errors.ts';
import { type NetworkEngineOptions, type ResolvedNetworkOptions, resolveNetworkOptions } from '../../server/src/core/engine-kit/network-engine.ts';
import { createLocalUpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
import { type HotWord, noopRecognizerMetrics, type RecognizerMetrics } from '../../server/src/core/recognizer.ts';
import type { AsrDeadlines } from './asr-task.ts';
import { ASR_MODELS, GUMMY_MODEL, isGummy, type RecognitionParameters } from './protocol.ts';
import { customizationUrl } from './vocabulary-api.ts';

export const DEFAULT_ASR_MODEL = 'paraformer-realtime-v2';

export interface AsrSessionTiming {
  /**
   * Start the next task after the current one has run this long. DashScope documents no
   * duration limit for the real-time models; a task is still one long-lived upstream stream
   * (and its clock), so it is renewed well before any server-side cap. Default 25 min.
   */
  rolloverAfterMs: number;
  /** Once the next task is ready, switch at a sentence end, or after this long at the latest (well under the 23 s a started task may idle). */
  rolloverWindowMs: number;
  /**
   * No audio written for this long: end the task (its idle timeout is 23 s: the Python SDK's
   * `Recognition.SILENCE_TIMEOUT_S`) and pause until audio comes again. Default 15 s.
   */
  pauseAfterIdleMs: number;
  /** Sent audio with no sentence open this long after it was sent is silence the task has heard: acknowledged. */
  silenceAckMs: number;
  /** A replay starts this long before the last acknowledged point (a word's onset is not cut). */
  replayMarginMs: number;
  /** Audio kept for replay at most (bounded; beyond it the oldest is dropped and counted). Default 60 s. */
  maxBufferedMs: number;
  /** The sender's tick while catching up after a replay… */
  tickMs: number;
  /** …and the frames sent per tick then (4 = catch up at 4× real time). Live audio is sent as it comes. */
  framesPerTick: number;
  /** A final ending within this of an emitted final's end is the same audio recognized twice. */
  duplicateToleranceMs: number;
}

export const DEFAULT_ASR_DEADLINES: AsrDeadlines = { connectMs: 3000, taskStartedMs: 3000, finishMs: 10_000 };

export const DEFAULT_SESSION_TIMING: AsrSessionTiming = {
  rolloverAfterMs: 25 * 60_000,
  rolloverWindowMs: 10_000,
  pauseAfterIdleMs: 15_000,
  silenceAckMs: 3000,
  replayMarginMs: 300,
  maxBufferedMs: 60_000,
  tickMs: 100,
  framesPerTick: 4,
  duplicateToleranceMs: 200,
};

export interface DashScopeRecognizerOptions extends NetworkEngineOptions<AsrDeadlines> {
  apiKey: string;
  /** Optional X-DashScope-WorkSpace header. */
  workspace?: string;
  /** Default paraformer-realtime-v2, or gummy-realtime-v1 when `translateTo` is set. */
  model?: string;
  languageHints?: readonly string[];
  /** Translation targets (Gummy). */
  translateTo?: readonly string[];
  /** A hot-word vocabulary created upstream for this model (ASR_VOCABULARY_ID): wins over `hotWords`. */
  vocabularyId?: string;
  /** Hot words kept in a vocabulary this recognizer creates and updates (asr-vocabulary.json). */
  hotWords?: HotWordsOptions;
  /** The account's ASR task submissions per second; the relay uses 80%. Default 10. */
  tasksPerS?: number;
  /** The account's concurrent ASR tasks; the relay uses 80% (a rollover briefly holds two). Default 10. */
  maxConcurrency?: number;
  session?: Partial<AsrSessionTiming>;
  recognizerMetrics?: RecognizerMetrics;
}

export interface HotWordsOptions {
  /** The words now and at every change. */
  words$: Observable<readonly HotWord[]>;
  /** Where the id of the vocabulary created upstream is remembered (in the data dir). */
  recordPath: string;
  /** The vocabulary API; default: on the host of the first ASR_URL (see `customizationUrl`). */
  url?: string;
  /** Per call. Default 10 s. */
  timeoutMs?: number;
  /** After a transient failure; doubled up to `maxRetryDelayMs`. Defaults 30 s, 10 min. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export type ResolvedHotWordsOptions = Required<HotWordsOptions>;

export interface ResolvedRecognizerOptions extends ResolvedNetworkOptions<AsrDeadlines> {
  headers: Record<string, string>;
  parameters: RecognitionParameters;
  session: AsrSessionTiming;
  recognizerMetrics: RecognizerMetrics;
  /** Undefined without words to sync, or when `vocabularyId` is given. */
  hotWords?: ResolvedHotWordsOptions;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new ConfigError(`dashscope-asr: ${message}`);
}

export function resolveRecognizerOptions(options: DashScopeRecognizerOptions): ResolvedRecognizerOptions {
  const tasksPerS = options.tasksPerS ?? 10;
  const maxConcurrency = options.maxConcurrency ?? 10;
  const translateTo = (options.translateTo ?? []).map((t) => t.trim()).filter(Boolean);
  const model = options.model?.trim() || (translateTo.length > 0 ? GUMMY_MODEL : DEFAULT_ASR_MODEL);
  const apiKey = options.apiKey?.trim() ?? '';
  const resolved = resolveNetworkOptions(
    { ...options, retry: { maxAttempts: 10, ...options.retry } },
    { name: 'dashscope-asr', deadlines: DEFAULT_ASR_DEADLINES, limiter: () => createLocalUpstreamLimiter({ tasksPerS, maxConcurrency }) },
  );
  const session = { ...DEFAULT_SESSION_TIMING, ...options.session };
  check(apiKey.length > 0, 'COSYVOICE_API_KEY (or DASHSCOPE_API_KEY) is required for ASR_ENGINE=dashscope');
  check(resolved.urls.length > 0, 'ASR_URL must list at least one wss:// URL');
  for (const url of resolved.urls) check(/^wss?:\/\/[^\s/]+/u.test(url), `ASR_URL entry "${url}" is not a ws:// or wss:// URL`);
  check(/^[\w.-]+$/u.test(model), `ASR_MODEL "${model}" is not a model name (e.g. ${ASR_MODELS.join(', ')})`);
  check(translateTo.length === 0 || isGummy(model), `ASR_TRANSLATE_TO needs a translating model: set ASR_MODEL=${GUMMY_MODEL} (or leave it unset), not "${model}"`);
  check(Object.values(session).every((v) => v > 0), 'session timings must be > 0');
  check(Number.isInteger(session.framesPerTick) && session.framesPerTick >= 1, 'framesPerTick must be an integer >= 1');
  const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}` };
  if (options.workspace) headers['X-DashScope-WorkSpace'] = options.workspace;
  const hotWords = options.hotWords && !options.vocabularyId?.trim() ? resolveHotWords(options.hotWords, resolved.urls[0]!) : undefined;
  return {
    ...resolved,
    headers,
    parameters: {
      model,
      languageHints: (options.languageHints ?? []).map((l) => l.trim()).filter(Boolean),
      translateTo,
      ...(options.vocabularyId?.trim() ? { vocabularyId: options.vocabularyId.trim() } : {}),
    },
    session,
    recognizerMetrics: options.recognizerMetrics ?? noopRecognizerMetrics,
    ...(hotWords && { hotWords }),
  };
}

function resolveHotWords(options: HotWordsOptions, asrUrl: string): ResolvedHotWordsOptions {
  const url = options.url ?? customizationUrl(asrUrl);
  check(/^https?:\/\/[^\s/]+/u.test(url), `the vocabulary API URL "${url}" is not an http(s) URL`);
  const resolved = { timeoutMs: 10_000, retryDelayMs: 30_000, maxRetryDelayMs: 600_000, ...options, url };
  check(resolved.timeoutMs > 0 && resolved.retryDelayMs > 0 && resolved.maxRetryDelayMs >= resolved.retryDelayMs, 'hot-word timings must be > 0');
  return resolved;
}
