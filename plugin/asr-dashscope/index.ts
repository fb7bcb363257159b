export { createDashScopeRecognizer, type DashScopeRecognizer } from './engine.ts';
export type { AsrDeadlines } from './asr-task.ts';
export {
  type AsrSessionTiming,
  DEFAULT_ASR_DEADLINES,
  DEFAULT_ASR_MODEL,
  DEFAULT_ASR_URL,
  DEFAULT_SESSION_TIMING,
  type DashScopeRecognizerOptions,
} from './options.ts';
export { ASR_MODELS, GUMMY_MODEL } from './protocol.ts';
