export { createEmbeddedEngine, type EmbeddedEngineOptions } from './engine.ts';
