/**
 * Socket.IO client for the relay's namespaces (bundled: no CDN). Same origin as the page.
 * WebSocket first for latency, long-polling as a fallback for proxies that block upgrades.
 */
import { io, type Socket } from 'socket.io-client';

export function connectNamespace<Listen extends object, Emit extends object>(
  namespace: '/overlay' | '/panel',
  auth: Record<string, string>,
): Socket<Listen, Emit> {
  return io(namespace, {
    auth,
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    timeout: 10_000,
  }) as unknown as Socket<Listen, Emit>;
}

/**
 * A connection refused by a namespace middleware is not retried by socket.io itself
 * (`socket.active` is false). Retry slowly so a server restarted with the right secret
 * is picked up without reloading the page.
 */
export function retryWhenRefused(socket: Socket, delayMs = 5000): () => void {
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
