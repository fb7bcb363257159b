/** Builds the configured TTS engine (TTS_ENGINE; a comma list is a fallback chain). */
import type { Config, EngineName } from './config.ts';
import type { TtsEngine } from './core/engine.ts';
import type { Logger } from './core/logger.ts';
import { createEmbeddedEngine } from '../../plugin/tts-embedded/index.ts';

async function createEngine(name: EngineName, config: Config, log: Logger): Promise<TtsEngine> {
  switch (name) {
    case 'embedded':
      return createEmbeddedEngine({ rateWpm: config.EMBEDDED_RATE_WPM, logger: log.child({ engine: name }) });
    default:
      throw new Error(`engine ${name} is not available in this build`);
  }
}

export async function createConfiguredEngine(config: Config, log: Logger): Promise<TtsEngine> {
  const [first] = config.TTS_ENGINE;
  return createEngine(first!, config, log);
}
