export { createCosyVoiceSelfhostEngine, type CosyVoiceSelfhostEngine } from './selfhost-engine.ts';
export { type CosyVoiceSelfhostOptions, DEFAULT_SELFHOST_DEADLINES, type SelfhostDeadlines } from './options.ts';
