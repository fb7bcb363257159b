import type { Namespace, Server, Socket } from 'socket.io';
import { auditTime, filter, interval, merge, Subscription, type Observable } from 'rxjs';
import { z } from 'zod';
import { RelayError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import {
  type PanelAck,
  type PanelClientToServer,
  type PanelCommandName,
  type PanelCommands,
  type PanelHealth,
  type PanelOverlayStatus,
  type PanelServerToClient,
} from '../core/protocol.ts';
import { TokenBucket } from '../core/engine-kit/token-bucket.ts';
import { secretMatches } from './auth.ts';
import { errorBody } from './errors.ts';
import type { NoSocketData } from './overlay-sockets.ts';
import type { PanelPort } from './panel-port.ts';
import type { RelayPort } from './ports.ts';
import { parseWith } from './validate.ts';

/** Pushes are coalesced: at most one of each kind per interval (health: one per second, when it changed). */
const QUEUE_UPDATE_INTERVAL_MS = 100;
const SETTINGS_UPDATE_INTERVAL_MS = 100;
const HEALTH_INTERVAL_MS = 1_000;
const OVERLAY_STATUS_INTERVAL_MS = 200;
const STATS_UPDATE_INTERVAL_MS = 2_000;
/** The live transcript: partials come several times a second. */
const SUBTITLES_UPDATE_INTERVAL_MS = 200;

/** Commands per panel socket: sustained per second, burst. */
const COMMANDS_PER_S = 20;
const COMMANDS_BURST = 40;

const Id = z.string().min(1).max(128);
const bodies = {
  caption: z.object({ text: z.string() }),
  id: z.object({ id: Id }),
  none: z.object({}),
  clear: z.object({ includePaid: z.boolean().default(false) }),
  user: z.object({ user: z.string().trim().min(1).max(100) }),
  search: z.object({ query: z.string().max(200) }),
  settings: z.object({
    section: z.enum(['moderation', 'queuePolicy', 'voice', 'voices', 'overlayStyle', 'obs', 'asrVocabulary']),
    value: z.record(z.string(), z.unknown()),
  }),
  /** Checked in full by the voice test itself. */
  voiceTest: z.record(z.string(), z.unknown()),
  mute: z.object({ muted: z.boolean() }),
};

export interface PanelNamespaceOptions {
  relay: RelayPort;
  panel: PanelPort;
  /** What each overlay is doing (the /overlay namespace). */
  overlays: { statuses(): PanelOverlayStatus[]; readonly statusChanged$: Observable<void> };
  token: string;
  /** The overlay page with its key, for the panel's preview. */
  overlayPath: string;
  log: Logger;
  /** A command refused for the panel's own rate limit (counted with the gateway's refusals). */
  onRateLimited?(): void;
}

type Ack = (r: PanelAck<object>) => void;

/** No events between processes on `/panel`. */
type NoInterServerEvents = Record<never, never>;
type PanelNamespace = Namespace<PanelClientToServer, PanelServerToClient, NoInterServerEvents, NoSocketData>;
type PanelSocket = Socket<PanelClientToServer, PanelServerToClient, NoInterServerEvents, NoSocketData>;

/** The last argument of a command, when it is a function: the client's ack. */
function ackOf(args: readonly unknown[]): Ack | undefined {
  const last = args.at(-1);
  return typeof last === 'function' ? (r) => last(r) : undefined;
}

function failure(err: unknown, log: Logger): PanelAck<object> {
  if (err instanceof RelayError) return { ok: false, ...errorBody(err) };
  log.error({ err }, 'panel command failed');
  return { ok: false, error: { code: 'internal', message: 'internal error' } };
}

/**
 * `/panel`: token auth; live state pushed to every panel (`panel:init` on connect, then
 * `queue:update`, `health:update`, `stats:update`, `settings:update`, each coalesced);
 * commands answered through acks `{ok: true, …}` or `{ok: false, error: {code, message}}`,
 * rate limited per socket. Pushes stay on this process (`local`): with a cross-process
 * adapter a panel shows the queue, settings and overlays of the process it is connected to.
 */
export function attachPanelNamespace(io: Server, opts: PanelNamespaceOptions): { close(): void } {
  const { relay, panel, overlays, token, log } = opts;
  const ns: PanelNamespace = io.of('/panel');

  const health = (): PanelHealth => ({ ...panel.health(), overlays: overlays.statuses() });
  let lastHealth = '';
  /** Sends health to every panel when it changed (the relay's clock aside). */
  const pushHealth = () => {
    if (ns.sockets.size === 0) return;
    const next = health();
    const { nowMs: _, ...comparable } = next;
    const key = JSON.stringify(comparable);
    if (key === lastHealth) return;
    lastHealth = key;
    ns.local.emit('health:update', next);
  };

  ns.use((socket, next) => {
    if (secretMatches(socket.handshake.auth?.token, token)) return next();
    log.warn({ address: socket.handshake.address }, 'panel refused: wrong token');
    next(new Error('unauthorized'));
  });

  ns.on('connection', (socket) => {
    socket.emit('panel:init', { overlayPath: opts.overlayPath, ...panel.info() });
    socket.emit('queue:update', relay.listQueue());
    socket.emit('health:update', health());
    socket.emit('stats:update', panel.stats());
    socket.emit('settings:update', panel.settings());
    socket.emit('subtitles:update', relay.subtitles());
    attachCommands(socket, opts, pushHealth);
  });

  const subscription = new Subscription();
  subscription.add(
    merge(relay.queueChanged$, relay.feed.events$.pipe(filter((e) => e.type === 'utterance:end')))
      .pipe(auditTime(QUEUE_UPDATE_INTERVAL_MS))
      .subscribe(() => ns.local.emit('queue:update', relay.listQueue())),
  );
  subscription.add(merge(interval(HEALTH_INTERVAL_MS), overlays.statusChanged$.pipe(auditTime(OVERLAY_STATUS_INTERVAL_MS))).subscribe(pushHealth));
  subscription.add(panel.statsChanged$.pipe(auditTime(STATS_UPDATE_INTERVAL_MS)).subscribe(() => ns.local.emit('stats:update', panel.stats())));
  // A mute switch shows at once (the streamer clicked it); new lines at most every SUBTITLES_UPDATE_INTERVAL_MS.
  const subtitlesChanged$ = relay.subtitlesChanged$;
  subscription.add(
    merge(subtitlesChanged$.pipe(filter((c) => c === 'mute')), subtitlesChanged$.pipe(filter((c) => c === 'line'), auditTime(SUBTITLES_UPDATE_INTERVAL_MS))).subscribe(() =>
      ns.local.emit('subtitles:update', relay.subtitles()),
    ),
  );
  subscription.add(
    panel.settingsChanged$.pipe(auditTime(SETTINGS_UPDATE_INTERVAL_MS)).subscribe(() => ns.local.emit('settings:update', panel.settings())),
  );
  return { close: () => subscription.unsubscribe() };
}

/** The commands of one panel socket. */
function attachCommands(
  socket: PanelSocket,
  { relay, panel, log, onRateLimited }: PanelNamespaceOptions,
  pushHealth: () => void,
): void {
  const rate = new TokenBucket(COMMANDS_PER_S, COMMANDS_BURST);
  let voiceTest: AbortController | undefined;
  socket.on('disconnect', () => voiceTest?.abort());

  const on = <K extends PanelCommandName, S extends z.ZodType>(
    event: K,
    schema: S,
    run: (body: z.output<S>) => PanelCommands[K]['result'] | Promise<PanelCommands[K]['result']>,
  ) => {
    // What a client sends is checked here, not trusted to match the event map: the ack is the
    // last argument, whatever came before it. (socket.io's listener type cannot follow a
    // generic K; under the name's union type every command accepts this listener.)
    const name: PanelCommandName = event;
    socket.on(name, async (...args: unknown[]) => {
      const reply = ackOf(args);
      if (!reply) return;
      if (!rate.tryTake()) {
        onRateLimited?.();
        return reply({ ok: false, error: { code: 'rate_limited', message: 'too many commands' } });
      }
      if (args.length !== 2) return reply({ ok: false, error: { code: 'invalid_body', message: 'send one payload object and an ack' } });
      try {
        reply({ ok: true, ...(await run(parseWith(schema, args[0], 'invalid_body', 'payload'))) });
      } catch (err) {
        reply(failure(err, log));
      }
    });
  };

  on('caption:send', bodies.caption, async ({ text }) => ({ id: (await relay.submit({ text, source: 'panel', user: 'panel' })).id }));
  on('queue:skip', bodies.id, ({ id }) => {
    if (!relay.skip(id)) throw new RelayError('not_found', `no active readout with id ${id}`, 404);
    return { id };
  });
  on('queue:pause', bodies.none, () => {
    relay.pause();
    pushHealth();
    return { paused: true };
  });
  on('subtitles:mute', bodies.mute, ({ muted }) => {
    relay.muteSubtitles(muted);
    return { muted: relay.subtitles().muted };
  });
  on('queue:resume', bodies.none, () => {
    relay.resume();
    pushHealth();
    return { paused: false };
  });
  on('queue:clear', bodies.clear, ({ includePaid }) => relay.clear({ includePaid }));
  on('queue:replay', bodies.id, ({ id }) => relay.replay(id));
  on('user:ban', bodies.user, ({ user }) => {
    const { dropped } = panel.ban(user);
    log.info({ user, dropped }, 'user banned from the panel');
    return { user, dropped };
  });
  on('user:unban', bodies.user, ({ user }) => {
    panel.unban(user);
    log.info({ user }, 'user unbanned from the panel');
    return { user };
  });
  on('history:search', bodies.search, ({ query }) => ({ items: panel.searchHistory(query) }));
  on('settings:save', bodies.settings, ({ section, value }) => {
    const saved = panel.saveSettings(section, value);
    log.info({ section }, 'settings saved from the panel');
    return { value: saved };
  });
  on('voice:test', bodies.voiceTest, async (request) => {
    if (voiceTest) throw new RelayError('busy', 'a voice test is already running; wait for it to finish', 409);
    voiceTest = new AbortController();
    try {
      return await panel.testVoice(request, voiceTest.signal);
    } finally {
      voiceTest = undefined;
    }
  });
  on('obs:ensure-overlay', bodies.none, () => panel.ensureObsOverlay());
}
