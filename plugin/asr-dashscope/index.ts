export { createDashScopeRecognizer } from './engine.ts';
export type { AsrDeadlines } from './asr-task.ts';
export type { AsrSessionTiming, DashScopeRecognizerOptions } from './options.ts';
