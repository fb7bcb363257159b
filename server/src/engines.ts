/** Builds the configured TTS engine (TTS_ENGINE; a comma list is a fallback chain). */
import { createHash } from 'node:crypto';
import type { Config, EngineName } from './config.ts';
import type { EngineChain, TtsEngine } from './core/engine.ts';
import { ConfigError } from './core/errors.ts';
import type { Logger } from './core/logger.ts';
import { createEngineChain, type EngineMetrics, type UpstreamLimiter } from './core/engine-kit/index.ts';
import { createCosyVoiceSelfhostEngine } from '../../plugin/tts-cosyvoice-selfhost/index.ts';
import { createCosyVoiceEngine } from '../../plugin/tts-cosyvoice/index.ts';
import { createEmbeddedEngine } from '../../plugin/tts-embedded/index.ts';
import { createSharedUpstreamLimiter, type RedisClient } from '../../plugin/redis/index.ts';

/** What the engines share with the rest of the relay. */
export interface EngineDeps {
  metrics: EngineMetrics;
  /** The cloud quota shared across processes (scale-out); default a local limiter per process. */
  cloudLimiter?: UpstreamLimiter;
}

async function createEngine(name: EngineName, config: Config, log: Logger, { metrics, cloudLimiter }: EngineDeps): Promise<TtsEngine> {
  const logger = log.child({ engine: name });
  switch (name) {
    case 'embedded':
      return createEmbeddedEngine({ rateWpm: config.EMBEDDED_RATE_WPM, logger, metrics });
    case 'cosyvoice':
      if (!config.COSYVOICE_API_KEY) {
        throw new ConfigError('TTS_ENGINE includes cosyvoice but COSYVOICE_API_KEY is not set (get a key in the DashScope / Model Studio console)');
      }
      return createCosyVoiceEngine({
        apiKey: config.COSYVOICE_API_KEY,
        urls: config.COSYVOICE_URL,
        workspace: config.COSYVOICE_WORKSPACE,
        model: config.COSYVOICE_MODEL,
        voice: config.COSYVOICE_VOICE,
        sampleRateHz: config.COSYVOICE_SAMPLE_RATE_HZ,
        tasksPerS: config.COSYVOICE_TASKS_PER_S,
        maxConcurrency: config.COSYVOICE_MAX_CONCURRENCY,
        limiter: cloudLimiter,
        pool: { minIdle: config.COSYVOICE_POOL_MIN_IDLE, preStartedTasks: config.COSYVOICE_PRESTARTED_TASKS },
        deadlines: { firstAudioMs: config.COSYVOICE_FIRST_AUDIO_MS },
        logger,
        metrics,
      });
    case 'cosyvoice-selfhost':
      return createCosyVoiceSelfhostEngine({
        urls: config.COSYVOICE_SELFHOST_URL,
        speaker: config.COSYVOICE_SELFHOST_SPEAKER,
        sampleRateHz: config.COSYVOICE_SELFHOST_SAMPLE_RATE_HZ,
        ...(config.COSYVOICE_SELFHOST_INSTRUCT ? { instruct: config.COSYVOICE_SELFHOST_INSTRUCT } : {}),
        logger,
        metrics,
      });
  }
}

/** The configured engines as a chain in fallback order (a chain of one for a single engine). */
export async function createConfiguredEngine(config: Config, log: Logger, deps: EngineDeps): Promise<EngineChain> {
  const engines: TtsEngine[] = [];
  try {
    for (const name of config.TTS_ENGINE) engines.push(await createEngine(name, config, log, deps));
  } catch (err) {
    await Promise.all(engines.map((e) => e.close()));
    throw err;
  }
  return createEngineChain(engines, {
    firstPacketBudgetMs: config.TTS_FALLBACK_BUDGET_MS,
    logger: log.child({ engine: 'fallback' }),
    metrics: deps.metrics,
  });
}

/** The CosyVoice quota shared through Redis by every process using the same API key and model. */
export function sharedCloudLimiter(redis: RedisClient, config: Config): UpstreamLimiter {
  const account = createHash('sha256').update(config.COSYVOICE_API_KEY ?? '').digest('hex').slice(0, 16);
  return createSharedUpstreamLimiter({
    redis,
    keyPrefix: `cosy-relay:quota:${account}:${config.COSYVOICE_MODEL}`,
    tasksPerS: config.COSYVOICE_TASKS_PER_S,
    maxConcurrency: config.COSYVOICE_MAX_CONCURRENCY,
  });
}
