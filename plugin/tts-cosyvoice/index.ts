export type { PoolStats } from './connection-pool.ts';
export { createCosyVoiceEngine, type CosyVoiceEngine } from './engine.ts';
export {
  type CosyVoiceDeadlines,
  type CosyVoiceEngineOptions,
  type CosyVoicePoolOptions,
  DEFAULT_DEADLINES,
  DEFAULT_POOL,
} from './options.ts';
export type { WordTimeBase } from './word-clock.ts';
