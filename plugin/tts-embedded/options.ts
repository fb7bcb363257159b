/** Options of the embedded engine and their defaults. */
import type { Logger } from '../../server/src/core/logger.ts';
import { type EngineMetrics, noopEngineMetrics } from '../../server/src/core/engine-kit/engine-metrics.ts';
import { silentLogger } from '../../server/src/core/logger.ts';
import type { Prosody } from './protocol.ts';

export interface EmbeddedEngineOptions {
  /** Speaking rate in words per minute (eSpeak default 175). */
  rateWpm?: number;
  /** Base pitch, 0-100 (eSpeak default 50). */
  pitch?: number;
  /** Worker threads, each synthesizing one request at a time (default 1). */
  workers?: number;
  /** Requests that may wait for a free worker before new ones are refused (default 32). */
  maxQueued?: number;
  /** worker.mjs, or a stand-in speaking the same protocol (tests). */
  workerUrl?: URL;
  logger?: Logger;
  metrics?: EngineMetrics;
}

export interface ResolvedEmbeddedOptions {
  prosody: Prosody;
  workers: number;
  maxQueued: number;
  workerUrl: URL;
  logger: Logger;
  metrics: EngineMetrics;
}

const WORKER_URL = new URL('./worker.mjs', import.meta.url);

export function resolveEmbeddedOptions(options: EmbeddedEngineOptions): ResolvedEmbeddedOptions {
  return {
    prosody: { rateWpm: options.rateWpm ?? 175, pitch: options.pitch ?? 50 },
    workers: options.workers ?? 1,
    maxQueued: options.maxQueued ?? 32,
    workerUrl: options.workerUrl ?? WORKER_URL,
    logger: options.logger ?? silentLogger,
    metrics: options.metrics ?? noopEngineMetrics,
  };
}
