/** Builds and starts a whole relay from a config: what main.ts runs and tests start in-process. */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import type { TtsEngine } from './core/engine.ts';
import type { Logger } from './core/logger.ts';
import { createConfiguredEngine } from './engines.ts';
import { startGateway, type Gateway } from './gateway/server.ts';
import { createPromEngineMetrics } from './metrics/engine-metrics.ts';
import { createMetrics } from './metrics/registry.ts';
import { DurableQueue } from './queue/durable-queue.ts';
import { createRelay } from './relay.ts';
import { loadSecrets, type Secrets } from './secrets.ts';

export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../overlay/dist');

export interface RunningRelay {
  gateway: Gateway;
  secrets: Secrets;
  engine: TtsEngine;
  close(): Promise<void>;
}

export async function startRelay(config: Config, log: Logger, engineOverride?: TtsEngine): Promise<RunningRelay> {
  const dataDir = resolve(config.RELAY_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const secrets = loadSecrets(dataDir, { token: config.RELAY_TOKEN, overlayKey: config.RELAY_OVERLAY_KEY });
  const queue = new DurableQueue({ path: join(dataDir, 'relay.db'), maxQueued: config.RELAY_MAX_QUEUED });
  const metrics = createMetrics();
  const engine = engineOverride ?? (await createConfiguredEngine(config, log, createPromEngineMetrics(metrics.registry)));
  const relay = createRelay({
    queue,
    engine,
    metrics,
    log: log.child({ part: 'relay' }),
    maxTextChars: config.RELAY_MAX_TEXT_CHARS,
    maxInFlight: config.RELAY_MAX_IN_FLIGHT,
    dedupeWindowMs: config.RELAY_DEDUPE_WINDOW_MS,
    ackGraceMs: config.RELAY_ACK_GRACE_MS,
  });
  const gateway = await startGateway({
    relay,
    token: secrets.token,
    overlayKey: secrets.overlayKey,
    webDir: WEB_DIR,
    host: config.RELAY_HOST,
    port: config.RELAY_PORT,
    maxInFlight: config.RELAY_MAX_IN_FLIGHT,
    log: log.child({ part: 'gateway' }),
  });
  return {
    gateway,
    secrets,
    engine,
    async close() {
      await gateway.close();
      relay.close();
      await engine.close();
      queue.close();
    },
  };
}
