import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server } from 'socket.io';
import type { Logger } from '../core/logger.ts';
import { createApp } from './app.ts';
import { attachOverlayNamespace } from './overlay-namespace.ts';
import { attachPanelNamespace } from './panel-namespace.ts';
import type { RelayPort } from './ports.ts';

export interface GatewayOptions {
  relay: RelayPort;
  token: string;
  overlayKey: string;
  webDir: string;
  host: string;
  port: number;
  maxInFlight: number;
  log: Logger;
  /** Extra WebSocket endpoints (e.g. /ingest/asr), by path. */
  upgrades?: Record<string, (req: import('node:http').IncomingMessage, socket: Duplex, head: Buffer) => void>;
}

export interface Gateway {
  /** Real address after listen (port 0 → the picked port). */
  url: string;
  overlayUrl: string;
  panelUrl: string;
  overlaysConnected(): number;
  close(): Promise<void>;
}

/** The largest socket.io message accepted from a client (acks and panel commands are small). */
const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const { relay, log } = opts;
  const http: HttpServer = createServer(createApp({ relay, token: opts.token, webDir: opts.webDir, log }));
  const io = new Server(http, {
    maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
    cors: { origin: false },
    serveClient: false,
    // Other WebSocket endpoints (e.g. /ingest/asr) share this HTTP server: leave their upgrades alone.
    destroyUpgrade: false,
  });
  const overlay = attachOverlayNamespace(io, relay, opts.overlayKey, opts.maxInFlight, log.child({ ns: 'overlay' }));
  const panel = attachPanelNamespace(io, relay, opts.token, log.child({ ns: 'panel' }));
  for (const [path, handle] of Object.entries(opts.upgrades ?? {})) {
    http.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://x').pathname === path) handle(req, socket, head);
    });
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${host}:${port}`;
  return {
    url,
    overlayUrl: `${url}/overlay?key=${encodeURIComponent(opts.overlayKey)}`,
    panelUrl: `${url}/panel#token=${encodeURIComponent(opts.token)}`,
    overlaysConnected: () => overlay.connectedCount(),
    async close() {
      overlay.close();
      panel.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      http.closeAllConnections();
    },
  };
}
