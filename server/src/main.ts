/**
 * Composition root: config → secrets → queue → engine → relay pipeline → gateway.
 * Prints `listening on http://HOST:PORT` and the overlay/panel URLs; shuts down
 * gracefully on SIGINT/SIGTERM.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig } from './config.ts';
import { ConfigError } from './core/errors.ts';
import { createConfiguredEngine } from './engines.ts';
import { startGateway } from './gateway/server.ts';
import { createMetrics } from './metrics/registry.ts';
import { DurableQueue } from './queue/durable-queue.ts';
import { createRelay } from './relay.ts';
import { loadSecrets } from './secrets.ts';

const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../overlay/dist');
const SHUTDOWN_TIMEOUT_MS = 5_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.RELAY_LOG_LEVEL, base: { app: 'cosy-relay' } });
  const dataDir = resolve(config.RELAY_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const secrets = loadSecrets(dataDir, { token: config.RELAY_TOKEN, overlayKey: config.RELAY_OVERLAY_KEY });

  const queue = new DurableQueue({ path: join(dataDir, 'relay.db'), maxQueued: config.RELAY_MAX_QUEUED });
  const engine = await createConfiguredEngine(config, log);
  const relay = createRelay({
    queue,
    engine,
    metrics: createMetrics(),
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

  log.info({ engine: engine.name, dataDir }, `listening on ${gateway.url}`);
  // Human-facing lines on stdout: what a streamer copies into OBS and the browser.
  process.stdout.write(
    [
      '',
      `cosy-relay listening on ${gateway.url} (engine: ${engine.name})`,
      `  overlay (add as an OBS browser source): ${gateway.overlayUrl}`,
      `  panel:                                  ${gateway.panelUrl}`,
      `  API token (RELAY_TOKEN):                ${secrets.token}`,
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    await gateway.close();
    relay.close();
    await engine.close();
    queue.close();
    log.info('bye');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : (err as Error)?.stack ?? String(err);
  process.stderr.write(`cosy-relay failed to start: ${message}\n`);
  process.exit(1);
});
