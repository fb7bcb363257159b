export { createCosyVoiceSelfhostEngine } from './engine.ts';
export { type CosyVoiceSelfhostOptions, DEFAULT_SELFHOST_DEADLINES, type SelfhostDeadlines } from './options.ts';
