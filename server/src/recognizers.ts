/** Builds the configured speech recognizer (ASR_ENGINE), or none when it is off. */
import type { Config } from './config.ts';
import { ConfigError } from './core/errors.ts';
import type { Logger } from './core/logger.ts';
import type { Observable } from 'rxjs';
import type { HotWord, RecognizerEngine, RecognizerMetrics } from './core/recognizer.ts';
import type { EngineMetrics } from './core/engine-kit/engine-metrics.ts';
import { createDashScopeRecognizer } from '../../plugin/asr-dashscope/index.ts';

export interface RecognizerDeps {
  /** The engine kit's series (retries, upstream errors, circuits, limiter waits, connections). */
  metrics: EngineMetrics;
  recognizerMetrics: RecognizerMetrics;
  /** Hot words (asr-vocabulary.json) and where the vocabulary made for them is remembered; ASR_VOCABULARY_ID wins. */
  hotWords?: { words$: Observable<readonly HotWord[]>; recordPath: string };
}

export async function createConfiguredRecognizer(config: Config, log: Logger, deps: RecognizerDeps): Promise<RecognizerEngine | undefined> {
  switch (config.ASR_ENGINE) {
    case 'off':
      return undefined;
    case 'dashscope':
      if (!config.COSYVOICE_API_KEY) {
        throw new ConfigError('ASR_ENGINE=dashscope needs the DashScope API key: set COSYVOICE_API_KEY or DASHSCOPE_API_KEY (get a key in the DashScope / Model Studio console)');
      }
      return createDashScopeRecognizer({
        apiKey: config.COSYVOICE_API_KEY,
        urls: config.ASR_URL,
        workspace: config.COSYVOICE_WORKSPACE,
        ...(config.ASR_MODEL ? { model: config.ASR_MODEL } : {}),
        languageHints: config.ASR_LANGUAGE_HINTS,
        translateTo: config.ASR_TRANSLATE_TO,
        ...(config.ASR_VOCABULARY_ID ? { vocabularyId: config.ASR_VOCABULARY_ID } : {}),
        ...(deps.hotWords && { hotWords: deps.hotWords }),
        logger: log.child({ engine: 'dashscope-asr' }),
        metrics: deps.metrics,
        recognizerMetrics: deps.recognizerMetrics,
      });
  }
}
