import type { Namespace, Server } from 'socket.io';
import type { Subscription } from 'rxjs';
import type { Logger } from '../core/logger.ts';
import type { OverlayClientToServer, OverlayServerToClient } from '../core/protocol.ts';
import { secretMatches } from './auth.ts';
import { TokenBucket } from '../core/resilience/token-bucket.ts';
import { InFlightLog } from './in-flight-log.ts';
import type { RelayPort } from './ports.ts';

const MAX_ID_LENGTH = 64;

function validId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH;
}

function payload(e: unknown): Record<string, unknown> {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {};
}

export interface OverlayNamespace {
  connectedCount(): number;
  close(): void;
}

/**
 * `/overlay`: read-only key auth; broadcasts the pipeline's events; brings a
 * (re)connecting overlay up to date with the utterances still in flight; turns
 * playback acks into queue progress.
 */
export function attachOverlayNamespace(
  io: Server,
  relay: RelayPort,
  overlayKey: string,
  maxInFlight: number,
  log: Logger,
): OverlayNamespace {
  const ns: Namespace<OverlayClientToServer, OverlayServerToClient> = io.of('/overlay');
  const inFlight = new InFlightLog(maxInFlight);

  ns.use((socket, next) => {
    if (secretMatches(socket.handshake.auth?.key, overlayKey)) return next();
    log.warn({ address: socket.handshake.address }, 'overlay refused: wrong key');
    next(new Error('unauthorized'));
  });

  ns.on('connection', (socket) => {
    // Generous for real overlays (two acks per utterance), tight enough to cut a flood.
    const rate = new TokenBucket(200, 400);
    log.info({ socket: socket.id, overlays: ns.sockets.size }, 'overlay connected');
    // Replay first: telling the relay may start new utterances, which this socket then gets live.
    for (const event of inFlight.replay()) socket.emit(event.type, event.data as never);
    relay.overlayConnectionsChanged(ns.sockets.size);
    socket.on('overlay:hello', (e) => {
      if (!rate.tryTake()) return;
      log.info({ socket: socket.id, version: String(payload(e).version ?? '?').slice(0, 32) }, 'overlay hello');
    });
    socket.on('playback:start', (e) => {
      const { id, atMs } = payload(e);
      if (!rate.tryTake() || !validId(id)) return;
      relay.playbackStarted(id, typeof atMs === 'number' && Number.isFinite(atMs) ? atMs : Date.now());
    });
    socket.on('playback:end', (e) => {
      const { id } = payload(e);
      if (!rate.tryTake() || !validId(id)) return;
      inFlight.finish(id);
      relay.playbackEnded(id);
    });
    socket.on('disconnect', (reason) => {
      log.info({ socket: socket.id, reason }, 'overlay disconnected');
      relay.overlayConnectionsChanged(ns.sockets.size);
    });
  });

  const subscription: Subscription = relay.overlayEvents$.subscribe((event) => {
    inFlight.record(event);
    ns.emit(event.type, event.data as never);
  });

  return {
    connectedCount: () => ns.sockets.size,
    close: () => subscription.unsubscribe(),
  };
}
