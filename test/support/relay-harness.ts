/** Starts a whole relay in-process on 127.0.0.1:0 with a fresh data dir, for integration tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { relayClientOptions } from './relay-client.ts';
import { configSchema, type Config } from '../../server/src/config.ts';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import { silentLogger, type Logger } from '../../server/src/core/logger.ts';
import type { OverlayClientToServer, OverlayServerToClient } from '../../server/src/core/protocol.ts';
import { startRelay, type RunningRelay } from '../../server/src/start-relay.ts';

export interface Harness extends RunningRelay {
  url: string;
  dataDir: string;
  config: Config;
  post(path: string, body: unknown, init?: { token?: string | null; raw?: boolean; headers?: Record<string, string> }): Promise<Response>;
  get(path: string, token?: string | null): Promise<Response>;
  overlay(key?: string): Socket<OverlayServerToClient, OverlayClientToServer>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Where the relay logs (e.g. a pino logger writing to a stream the test reads); default: nowhere. */
  log?: Logger;
}

export async function startHarness(
  settings: Partial<Record<keyof Config, string>> = {},
  /** An engine, or engines in fallback order (TTS_FALLBACK_BUDGET_MS applies), instead of the configured ones. */
  engine?: TtsEngine | readonly TtsEngine[],
  dataDir?: string,
  options: HarnessOptions = {},
): Promise<Harness> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'cosy-relay-test-'));
  const config = configSchema.parse({ RELAY_PORT: '0', RELAY_DATA_DIR: dir, RELAY_LOG_LEVEL: 'silent', ...settings });
  const relay = await startRelay(config, options.log ?? silentLogger, engine);
  const url = relay.gateway.url;
  const sockets: Socket[] = [];
  const auth = (token: string | null | undefined): Record<string, string> =>
    token === null ? {} : { authorization: `Bearer ${token ?? relay.secrets.token}` };
  return {
    ...relay,
    url,
    dataDir: dir,
    config,
    post: (path, body, init = {}) =>
      fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth(init.token), ...init.headers },
        body: init.raw ? (body as string) : JSON.stringify(body),
      }),
    get: (path, token) => fetch(url + path, { headers: auth(token) }),
    overlay(key = relay.secrets.overlayKey) {
      const socket = io(`${url}/overlay`, { ...relayClientOptions({ key }), transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      return socket;
    },
    async stop() {
      for (const s of sockets) s.disconnect();
      await relay.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
