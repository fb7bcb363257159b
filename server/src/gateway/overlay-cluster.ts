/**
 * How `/overlay` spans processes. Alone, the count of overlays is this process's own. With a
 * cross-process adapter (Redis): acks are forwarded to every process (the one that owns the
 * readout records it; the others find nothing to do), an overlay that (re)connects to any
 * process gets every process's in-flight utterances, and the queue gate counts the overlays
 * connected to any process.
 */
import type { Logger } from '../core/logger.ts';
import type { InFlightLog } from './in-flight-log.ts';
import { sendOverlayEvent, type OverlayAck, type OverlayServerNamespace } from './overlay-sockets.ts';
import type { RelayPort } from './ports.ts';

export interface OverlayCluster {
  /** An overlay acked on this process: apply it here and on every other process. */
  ack(ack: OverlayAck): void;
  /** An overlay connected here: other processes replay their in-flight utterances to it. */
  joined(socketId: string): void;
  /** Overlays connected or disconnected here: recount (cluster-wide when clustered). */
  recount(): void;
  close(): void;
}

/** Cluster-wide overlay recount period: a disconnect on another process is seen within it. */
const RECOUNT_EVERY_MS = 1_000;

function applyAck(relay: RelayPort, ack: OverlayAck): void {
  if (ack.type === 'playback:start') relay.playbackStarted(ack.id, ack.atMs);
  else relay.playbackEnded(ack.id);
}

export function createOverlayCluster(
  ns: OverlayServerNamespace,
  relay: RelayPort,
  inFlight: InFlightLog,
  clustered: boolean,
  log: Logger,
): OverlayCluster {
  if (!clustered) {
    return {
      ack: (ack) => applyAck(relay, ack),
      joined: () => {},
      recount: () => relay.overlayConnectionsChanged(ns.sockets.size),
      close: () => {},
    };
  }

  ns.on('cluster:ack', (ack) => applyAck(relay, ack));
  ns.on('cluster:joined', (socketId) => {
    const socket = ns.to(socketId);
    for (const event of inFlight.replay()) sendOverlayEvent(socket, event);
  });
  let recounting = false;
  const recount = () => {
    if (recounting) return;
    recounting = true;
    ns.fetchSockets()
      .then((sockets) => relay.overlayConnectionsChanged(sockets.length))
      .catch((err: Error) => log.warn({ err: err.message }, 'cannot count overlays across processes'))
      .finally(() => (recounting = false));
  };
  const timer = setInterval(recount, RECOUNT_EVERY_MS);
  timer.unref();
  return {
    ack(ack) {
      applyAck(relay, ack);
      ns.serverSideEmit('cluster:ack', ack);
    },
    joined: (socketId) => ns.serverSideEmit('cluster:joined', socketId),
    recount,
    close: () => clearInterval(timer),
  };
}
