/**
 * Entry point: config → startRelay → prints `listening on http://HOST:PORT`, the
 * overlay/panel URLs and the data dir; shuts down gracefully on SIGINT/SIGTERM.
 * `--help` / `--version` only print.
 */
import { resolve } from 'node:path';
import { checkCjkFonts, MISSING_CJK_FONT_WARNING } from './cjk-fonts.ts';
import { loadConfig } from './config.ts';
import { RelayError } from './core/errors.ts';
import { defaultDataDir, packageVersion } from './install-place.ts';
import { createConsoleLogger } from './logging/console-logger.ts';
import { startRelay } from './start-relay.ts';
import { usage } from './usage.ts';

const SHUTDOWN_TIMEOUT_MS = 5_000;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const defaults = { RELAY_DATA_DIR: defaultDataDir() };
  if (argv.includes('--help') || argv.includes('-h')) return void process.stdout.write(usage(defaults));
  if (argv.includes('--version') || argv.includes('-v')) return void process.stdout.write(`cosy-relay ${packageVersion()}\n`);
  const config = loadConfig(process.env, argv, defaults);
  const log = createConsoleLogger({ level: config.RELAY_LOG_LEVEL });
  const relay = await startRelay(config, log);
  const { gateway, secrets, engine } = relay;

  log.info({ engine: engine.name, dataDir: config.RELAY_DATA_DIR }, `listening on ${gateway.url}`);
  // Human-facing lines: what a streamer copies into OBS and the browser.
  const lines: [string, string][] = [
    ['overlay (add as an OBS browser source):', gateway.overlayUrl],
    ['panel:', gateway.panelUrl],
    ['captioner (your voice as subtitles):', `${gateway.url}/captioner#token=${encodeURIComponent(secrets.token)}${config.ASR_ENGINE === 'off' ? ' (needs ASR_ENGINE=dashscope)' : ''}`],
    ['API token (RELAY_TOKEN):', secrets.token],
    ['data (RELAY_DATA_DIR):', resolve(config.RELAY_DATA_DIR)],
  ];
  const labelWidth = Math.max(...lines.map(([label]) => label.length)) + 1;
  process.stdout.write(
    ['', `cosy-relay listening on ${gateway.url} (engine: ${engine.name})`, ...lines.map(([label, value]) => `  ${label.padEnd(labelWidth)}${value}`), ''].join('\n') + '\n',
  );

  void checkCjkFonts().then((fonts) => {
    if (fonts.result === 'missing') log.warn(MISSING_CJK_FONT_WARNING);
    else log.debug(fonts, 'Chinese font check');
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    await relay.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  // The relay's own errors say what to do (a bad setting, a port in use, an unwritable data
  // dir); a stack is for everything else.
  const message = err instanceof RelayError ? err.message : ((err as Error)?.stack ?? String(err));
  process.stderr.write(`cosy-relay failed to start: ${message}\n`);
  process.exit(1);
});
