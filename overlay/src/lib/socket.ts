/**
 * Socket.IO client for the relay's namespaces (bundled: no CDN). Same origin as the page.
 * WebSocket first for latency, long-polling as a fallback for proxies that block upgrades.
 * Speaks the relay's wire protocol (server/src/core/wire-format.ts).
 */
import { io, type Socket } from 'socket.io-client';
import type {
  OverlayClientToServer,
  OverlayServerToClient,
  PanelClientToServer,
  PanelServerToClient,
} from '../../../server/src/core/protocol.ts';
import { WIRE_PROTOCOL_VERSION, wireParser } from '../../../server/src/core/wire-format.ts';

/** Each namespace's socket, typed with its event maps (server → client listened to, client → server emitted). */
export interface NamespaceSockets {
  '/overlay': Socket<OverlayServerToClient, OverlayClientToServer>;
  '/panel': Socket<PanelServerToClient, PanelClientToServer>;
}

export function connectNamespace<N extends keyof NamespaceSockets>(namespace: N, auth: Record<string, string>): NamespaceSockets[N] {
  return io(namespace, {
    auth: { ...auth, protocol: WIRE_PROTOCOL_VERSION },
    parser: wireParser,
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    timeout: 10_000,
  });
}

/** What retrying needs of a socket, whatever its namespace. */
interface Retryable {
  readonly active: boolean;
  readonly connected: boolean;
  connect(): unknown;
  on(ev: 'connect_error', listener: () => void): unknown;
  off(ev: 'connect_error', listener: () => void): unknown;
}

/**
 * A connection refused by a namespace middleware is not retried by socket.io itself
 * (`socket.active` is false). Retry slowly so a server restarted with the right secret
 * is picked up without reloading the page.
 */
export function retryWhenRefused(socket: Retryable, delayMs = 5000): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onError = (): void => {
    if (socket.active || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!socket.connected) socket.connect();
    }, delayMs);
  };
  socket.on('connect_error', onError);
  return () => {
    socket.off('connect_error', onError);
    if (timer) clearTimeout(timer);
  };
}
