export { createEmbeddedEngine } from './engine.ts';
export type { EmbeddedEngineOptions } from './options.ts';
