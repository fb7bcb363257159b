import type { Server } from 'socket.io';
import { of, Subject, Subscription, type Observable } from 'rxjs';
import type { Logger } from '../core/logger.ts';
import type { CaptionSink } from '../core/sink.ts';
import type { OverlayStyleEvent, PanelOverlayStatus } from '../core/protocol.ts';
import { secretMatches } from './auth.ts';
import { InFlightLog } from './in-flight-log.ts';
import { createOverlayCluster } from './overlay-cluster.ts';
import { sendOverlayEvent, type OverlayServerNamespace } from './overlay-sockets.ts';
import { OverlayRoster } from './overlay-roster.ts';
import type { RelayPort } from './ports.ts';

const MAX_ID_LENGTH = 64;

function validId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH;
}

/** A field of an event payload as the client really sent it (the event map is what it should send). */
function field(e: unknown, name: string): unknown {
  return typeof e === 'object' && e !== null ? Reflect.get(e, name) : undefined;
}

/** The overlays as a sink: `attach` broadcasts the feed's events to every connected overlay. */
export interface OverlayNamespace extends CaptionSink {
  connectedCount(): number;
  /** Each connected overlay: since when, its last ack, whether it is playing now. */
  statuses(): PanelOverlayStatus[];
  /** Fires when an overlay connects, says hello, acks or disconnects, or a readout is cancelled. */
  readonly statusChanged$: Observable<void>;
  close(): void;
}

/**
 * `/overlay`: read-only key auth; broadcasts the pipeline's events and the stored overlay
 * style (`overlay:style`, on connect and on change); brings a (re)connecting overlay up to
 * date with the utterances still in flight; turns playback acks into queue progress and
 * keeps a roster of what each overlay is doing.
 */
export function attachOverlayNamespace(
  io: Server,
  relay: RelayPort,
  overlayKey: string,
  maxInFlight: number,
  log: Logger,
  style$: Observable<OverlayStyleEvent['style']> = of({}),
  clustered = false,
): OverlayNamespace {
  const ns: OverlayServerNamespace = io.of('/overlay');
  const inFlight = new InFlightLog(maxInFlight);
  const cluster = createOverlayCluster(ns, relay, inFlight, clustered, log);
  const roster = new OverlayRoster();
  const statusChanged$ = new Subject<void>();
  let style: OverlayStyleEvent['style'] = {};

  ns.use((socket, next) => {
    if (secretMatches(socket.handshake.auth?.key, overlayKey)) return next();
    log.warn({ address: socket.handshake.address }, 'overlay refused: wrong key');
    next(new Error('unauthorized'));
  });

  ns.on('connection', (socket) => {
    log.info({ socket: socket.id, overlays: ns.sockets.size }, 'overlay connected');
    roster.connected(socket.id);
    statusChanged$.next();
    socket.emit('overlay:style', { style });
    // Replay first: telling the relay may start new utterances, which this socket then gets live.
    for (const event of inFlight.replay()) sendOverlayEvent(socket, event);
    cluster.joined(socket.id);
    cluster.recount();
    socket.on('overlay:hello', (e) => {
      const version = String(field(e, 'version') ?? '?').slice(0, 32);
      log.info({ socket: socket.id, version }, 'overlay hello');
      roster.hello(socket.id, version);
      statusChanged$.next();
    });
    socket.on('playback:start', (e) => {
      const id = field(e, 'id');
      const atMs = field(e, 'atMs');
      if (!validId(id)) return;
      roster.ack(socket.id, 'playback:start', id);
      statusChanged$.next();
      cluster.ack({ type: 'playback:start', id, atMs: typeof atMs === 'number' && Number.isFinite(atMs) ? atMs : Date.now() });
    });
    socket.on('playback:end', (e) => {
      const id = field(e, 'id');
      if (!validId(id)) return;
      roster.ack(socket.id, 'playback:end', id);
      statusChanged$.next();
      inFlight.finish(id);
      cluster.ack({ type: 'playback:end', id });
    });
    socket.on('disconnect', (reason) => {
      log.info({ socket: socket.id, reason }, 'overlay disconnected');
      roster.disconnected(socket.id);
      statusChanged$.next();
      cluster.recount();
    });
  });

  const subscription = new Subscription();
  subscription.add(
    style$.subscribe((next) => {
      style = next;
      ns.emit('overlay:style', { style });
    }),
  );

  return {
    name: 'overlays',
    attach(feed) {
      const broadcast = feed.events$.subscribe((event) => {
        inFlight.record(event);
        if (event.type === 'utterance:cancel') {
          roster.cancelled(event.data.id);
          statusChanged$.next();
        }
        sendOverlayEvent(ns, event);
      });
      subscription.add(broadcast);
      return broadcast;
    },
    connectedCount: () => ns.sockets.size,
    statuses: () => roster.statuses(),
    statusChanged$: statusChanged$.asObservable(),
    close: () => {
      cluster.close();
      subscription.unsubscribe();
      statusChanged$.complete();
    },
  };
}
