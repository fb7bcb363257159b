/**
 * The DashScope real-time recognizer (Paraformer, Fun-ASR, Gummy with translations): the
 * engine kit's endpoints (circuit breaker per ASR_URL entry), health (a refused key or model
 * disables it with a reason), the account's task quota (limiter), and its metrics; each
 * `open()` is a session (`session.ts`) that owns its tasks, rollovers and reconnects.
 */
import { EndpointSet } from '../../server/src/core/engine-kit/endpoint-set.ts';
import { EngineHealth } from '../../server/src/core/engine-kit/engine-health.ts';
import type { Logger } from '../../server/src/core/logger.ts';
import type { HotWordsStatus, RecognizerEngine, RecognizerSessionOptions } from '../../server/src/core/recognizer.ts';
import { HotWordsSync } from './hot-words.ts';
import { type DashScopeRecognizerOptions, type ResolvedRecognizerOptions, resolveRecognizerOptions } from './options.ts';
import { DashScopeSession } from './session.ts';
import { VocabularyApi } from './vocabulary-api.ts';
import { VocabularyRecordFile } from './vocabulary-record.ts';

export async function createDashScopeRecognizer(engineOptions: DashScopeRecognizerOptions): Promise<RecognizerEngine> {
  const options = resolveRecognizerOptions(engineOptions);
  const { name, metrics, recognizerMetrics, logger: log } = options;
  const endpoints = new EndpointSet(options.urls, {
    breaker: options.breaker,
    onStateChange: (endpoint, state) => {
      metrics.setCircuitState(name, endpoint.url, state);
      log.warn({ url: endpoint.url, state }, `circuit ${state}`);
    },
  });
  const health = new EngineHealth(name, endpoints, log);
  const hotWords = startHotWords(options, log);
  if (engineOptions.hotWords && options.parameters.vocabularyId) {
    log.info({ vocabularyId: options.parameters.vocabularyId }, 'ASR_VOCABULARY_ID is set: it is used, and the hot words of asr-vocabulary.json are not');
  }
  const vocabularyId = () => options.parameters.vocabularyId ?? hotWords?.sync.vocabularyId();
  const open = new Set<DashScopeSession>();
  let nextSession = 1;

  return {
    name,
    model: options.parameters.model,
    translateTo: options.parameters.translateTo,
    open(sessionOptions: RecognizerSessionOptions = {}) {
      const id = sessionOptions.label ?? `asr-${nextSession++}`;
      let session: DashScopeSession | undefined;
      session = new DashScopeSession({
        id,
        options,
        endpoints,
        health,
        logger: log,
        vocabularyId,
        onEnded: () => {
          if (session) open.delete(session);
          recognizerMetrics.setSessionsOpen(name, open.size);
        },
      });
      if (session.status().state === 'failed') return session;
      open.add(session);
      recognizerMetrics.setSessionsOpen(name, open.size);
      return session;
    },
    healthy: () => health.healthy(),
    healthReason: () => health.healthReason(),
    hotWords: (): HotWordsStatus =>
      hotWords?.sync.status() ?? { source: 'setting', words: 0, ...(options.parameters.vocabularyId ? { state: 'ready', vocabularyId: options.parameters.vocabularyId } : { state: 'none' }) },
    async close() {
      health.markClosed();
      hotWords?.subscription.unsubscribe();
      hotWords?.sync.close();
      for (const session of [...open]) session.abort();
    },
  };
}

/** The vocabulary kept in step with the settings file's words (none with ASR_VOCABULARY_ID or without `hotWords`). */
function startHotWords(options: ResolvedRecognizerOptions, log: Logger) {
  const hotWords = options.hotWords;
  if (!hotWords) return undefined;
  const hotWordsLog = log.child({ part: 'hot-words' });
  const sync = new HotWordsSync({
    api: new VocabularyApi({ url: hotWords.url, headers: options.headers, timeoutMs: hotWords.timeoutMs }),
    record: new VocabularyRecordFile(hotWords.recordPath, hotWordsLog),
    targetModel: options.parameters.model,
    log: hotWordsLog,
    retryDelayMs: hotWords.retryDelayMs,
    maxRetryDelayMs: hotWords.maxRetryDelayMs,
  });
  const subscription = hotWords.words$.subscribe((words) => sync.update(words));
  return { sync, subscription };
}
