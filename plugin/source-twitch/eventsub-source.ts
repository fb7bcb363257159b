/**
 * Twitch EventSub over WebSocket (https://dev.twitch.tv/docs/eventsub/handling-websocket-events/):
 * validate the token, find the channel's user id, connect, and on `session_welcome` create
 * the subscriptions the triggers need over that session; `session_keepalive` or any message
 * proves the link alive (silence past keepalive_timeout_seconds + a margin → reconnect);
 * `session_reconnect` opens its reconnect_url and keeps the old socket until the new
 * welcome (subscriptions carry over); `revocation` ends one subscription. Messages are
 * read once by metadata.message_id (bounded) and ignored when older than 10 minutes.
 * While a subscription is enabled its kind is `covers`'d: the IRC source skips it.
 */
import WebSocket from 'ws';
import { createReconnectingSource, type SourceConnection } from '../../server/src/core/reconnecting-source.ts';
import { SourceError, type CaptionSource, type EventSubNotice, type SourceStatus } from '../../server/src/core/source.ts';
import { MAX_FRAME_BYTES, type SocketSourceOptions } from '../../server/src/core/websocket-source.ts';
import { SeenIds } from '../../server/src/core/seen-ids.ts';
import { notificationEvent, subscriptionsFor, type EventSubIds, type EventSubTriggers, type SubscriptionSpec } from './eventsub-events.ts';
import { messageTimeMs, parseEventSubFrame, type EventSubMessage } from './eventsub-message.ts';
import { createHelixClient, HelixError, TWITCH_HELIX_URL, TWITCH_ID_URL, type HelixClient } from './helix-client.ts';
import { DEFAULT_TWITCH_TRIGGERS, type CoveredKind, type Coverage } from './twitch-events.ts';

export const TWITCH_EVENTSUB_URL = 'wss://eventsub.wss.twitch.tv/ws';

/** Twitch's advice: drop notifications older than 10 minutes (replays). */
export const MAX_MESSAGE_AGE_MS = 10 * 60_000;
/** Message ids remembered to drop the ones Twitch sends twice. */
export const MESSAGE_LEDGER_SIZE = 2_000;
/** Twitch's EventSub close codes (websocket-reference, "Close message"). */
const CLOSE_REASONS: Record<number, string> = {
  4000: 'internal server error',
  4001: 'the client sent inbound traffic',
  4002: 'the client failed ping-pong',
  4003: 'connection unused (no subscription in time)',
  4004: 'reconnect grace time expired',
  4005: 'network timeout',
  4006: 'network error',
  4007: 'invalid reconnect',
};

export interface TwitchEventSubOptions extends SocketSourceOptions {
  /** Channel login, with or without '#'. */
  channel: string;
  clientId: string;
  /** The user access token (TWITCH_OAUTH_TOKEN), with or without "oauth:". */
  oauthToken: string;
  triggers?: Partial<EventSubTriggers>;
  /** Overridable for tests. */
  url?: string;
  helixUrl?: string;
  idUrl?: string;
  /** Silence allowed past keepalive_timeout_seconds before the socket counts as dead. Default 5 s. */
  keepaliveMarginMs?: number;
  /** How long a new socket may take to say welcome. Default 10 s. */
  welcomeTimeoutMs?: number;
  /** Re-validate the token this often (Twitch asks hourly). */
  validateIntervalMs?: number;
}

export interface TwitchEventSubSource extends CaptionSource {
  /** The kinds read here right now (the IRC source of the channel skips them). */
  readonly covers: Coverage;
}

/** Why one subscription is not running, for the streamer. */
interface Problem {
  notice: EventSubNotice;
  text: string;
}

export function createTwitchEventSubSource(options: TwitchEventSubOptions): TwitchEventSubSource {
  const channel = options.channel.replace(/^#/u, '').toLowerCase();
  const triggers: EventSubTriggers = { ...DEFAULT_TWITCH_TRIGGERS, follows: false, ...options.triggers };
  const nowMs = options.nowMs ?? Date.now;
  const log = options.logger.child({ source: 'twitch-eventsub' });
  const seen = new SeenIds(MESSAGE_LEDGER_SIZE);
  const covered = new Set<CoveredKind>();
  const problems = new Map<string, Problem>();
  let tokenInvalid = false;

  async function connect(connection: SourceConnection): Promise<void> {
    const helix = createHelixClient({
      helixUrl: options.helixUrl ?? TWITCH_HELIX_URL,
      idUrl: options.idUrl ?? TWITCH_ID_URL,
      clientId: options.clientId,
      oauthToken: options.oauthToken,
      signal: connection.signal,
    });
    try {
      const token = await helix.validate();
      tokenInvalid = false;
      const ids: EventSubIds = { broadcasterId: await helix.userIdOf(channel), tokenUserId: token.userId };
      await runSession(connection, helix, subscriptionsFor(triggers, ids), ids);
    } catch (error) {
      if (error instanceof HelixError && error.code === 'twitch_token_invalid') tokenInvalid = true;
      throw error;
    } finally {
      covered.clear();
    }
  }

  /** Creates each subscription; a refused one is a problem for the streamer, the rest go on. */
  async function subscribeAll(helix: HelixClient, specs: SubscriptionSpec[], sessionId: string, live: () => boolean): Promise<void> {
    for (const spec of specs) {
      if (!live()) return;
      try {
        await subscribeOnce(helix, spec, sessionId);
        if (!live()) return; // the session ended meanwhile: covering now would silence IRC for nothing
        problems.delete(spec.type);
        if (spec.covers) covered.add(spec.covers);
      } catch (error) {
        if (!(error instanceof HelixError)) throw error;
        if (error.code === 'twitch_token_invalid') throw error;
        const needs = spec.scopes.length > 0 ? ` (needs ${spec.scopes.join(' or ')})` : '';
        problems.set(spec.type, { notice: 'eventsub-scope-missing', text: `${spec.type} refused${error.status === 403 ? needs : ''}: ${error.message}` });
        log.warn({ type: spec.type, status: error.status, error: error.message }, 'eventsub: subscription refused');
      }
    }
  }

  /** One POST; 409 (already exists) is success; 429 waits for the bucket once. */
  async function subscribeOnce(helix: HelixClient, spec: SubscriptionSpec, sessionId: string): Promise<void> {
    try {
      await helix.subscribe(spec, sessionId);
    } catch (error) {
      if (error instanceof HelixError && error.status === 409) return;
      if (!(error instanceof HelixError) || error.status !== 429) throw error;
      const waitMs = Math.min(60_000, Math.max(0, (error.retryAtMs ?? nowMs() + 1_000) - nowMs()));
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      await helix.subscribe(spec, sessionId);
    }
  }

  function runSession(connection: SourceConnection, helix: HelixClient, specs: SubscriptionSpec[], ids: EventSubIds): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let current: WebSocket | undefined;
      let pending: WebSocket | undefined;
      let keepaliveMs = 10_000;
      let keepaliveTimer: NodeJS.Timeout | undefined;
      let welcomeTimer: NodeJS.Timeout | undefined;
      let finished = false;
      const validateTimer = setInterval(() => {
        helix.validate().catch((error: unknown) => {
          if (error instanceof HelixError && error.code === 'twitch_token_invalid') finish(error);
        });
      }, options.validateIntervalMs ?? 3_600_000);

      const finish = (failure?: Error): void => {
        if (finished) return;
        finished = true;
        clearTimeout(keepaliveTimer);
        clearTimeout(welcomeTimer);
        clearInterval(validateTimer);
        connection.signal.removeEventListener('abort', onAbort);
        current?.terminate();
        pending?.terminate();
        if (failure) reject(failure);
        else resolve();
      };
      const onAbort = (): void => finish();
      connection.signal.addEventListener('abort', onAbort, { once: true });

      const armKeepalive = (): void => {
        clearTimeout(keepaliveTimer);
        keepaliveTimer = setTimeout(
          () => finish(new SourceError('eventsub_keepalive_timeout', `nothing from EventSub for ${keepaliveMs} ms`)),
          keepaliveMs + (options.keepaliveMarginMs ?? 5_000),
        );
      };

      const open = (url: string): WebSocket => {
        const ws = new WebSocket(url, { maxPayload: MAX_FRAME_BYTES });
        clearTimeout(welcomeTimer);
        welcomeTimer = setTimeout(
          () => finish(new SourceError('eventsub_no_welcome', `no session_welcome within ${options.welcomeTimeoutMs ?? 10_000} ms`)),
          options.welcomeTimeoutMs ?? 10_000,
        );
        ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
          if (finished) return;
          let message: EventSubMessage;
          try {
            message = parseEventSubFrame(isBinary ? '' : data.toString());
          } catch (error) {
            log.warn({ error: (error as Error).message }, 'eventsub: skipped a malformed frame');
            return;
          }
          onMessage(ws, message);
        });
        ws.on('error', (error) => log.warn({ error: error.message }, 'eventsub: socket error'));
        ws.on('close', (code: number) => {
          if (ws === pending) pending = undefined;
          if (ws !== current && current !== undefined) return; // the old socket after a reconnect
          const reason = CLOSE_REASONS[code];
          finish(reason ? new SourceError('eventsub_closed', `EventSub closed the connection: ${code} ${reason}`) : undefined);
        });
        return ws;
      };

      const onMessage = (ws: WebSocket, message: EventSubMessage): void => {
        if (ws === current) armKeepalive();
        if (!seen.firstTime(message.metadata.message_id)) return;
        if (nowMs() - messageTimeMs(message.metadata) > MAX_MESSAGE_AGE_MS) {
          log.warn({ id: message.metadata.message_id }, 'eventsub: ignored a message older than 10 minutes');
          return;
        }
        switch (message.type) {
          case 'session_welcome': {
            clearTimeout(welcomeTimer);
            keepaliveMs = (message.session.keepalive_timeout_seconds ?? 10) * 1000;
            const old = current;
            current = ws;
            pending = undefined;
            armKeepalive();
            if (old) {
              old.close(1000); // reconnected: the subscriptions moved with the session
              return;
            }
            connection.connected();
            subscribeAll(helix, specs, message.session.id, () => !finished).catch((error: unknown) => finish(error as Error));
            return;
          }
          case 'session_reconnect':
            if (message.session.reconnect_url && !pending) pending = open(message.session.reconnect_url);
            return;
          case 'revocation': {
            const { type, status } = message.subscription;
            const spec = specs.find((s) => s.type === type);
            if (spec?.covers) covered.delete(spec.covers);
            problems.set(type, { notice: 'eventsub-revoked', text: `${type} revoked by Twitch: ${status}` });
            log.warn({ type, status }, 'eventsub: subscription revoked');
            return;
          }
          case 'notification': {
            const event = notificationEvent(message.subscription.type, message.event, {
              triggers,
              ids,
              messageId: message.metadata.message_id,
              receivedAtMs: nowMs(),
            });
            if (event) connection.emit(event);
            return;
          }
          case 'session_keepalive':
            return;
        }
      };

      const url = new URL(options.url ?? TWITCH_EVENTSUB_URL);
      open(url.toString()).on('open', () => log.info('eventsub: socket open'));
    });
  }

  const source = createReconnectingSource({
    name: 'twitch-eventsub',
    connect,
    logger: options.logger, // the kit names its lines itself
    idleTimeoutMs: 0, // the keepalive window comes with each session's welcome
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.nowMs ? { nowMs: options.nowMs } : {}),
  });

  function status(): SourceStatus {
    const base = source.status();
    const notices = new Set<EventSubNotice>([...problems.values()].map((p) => p.notice));
    if (tokenInvalid) notices.add('eventsub-token-invalid');
    const texts = [base.lastError, ...[...problems.values()].map((p) => p.text)].filter((t): t is string => t !== undefined);
    return {
      connected: base.connected,
      messagesPerMin: base.messagesPerMin,
      ...(texts.length > 0 ? { lastError: texts.join('; ') } : {}),
      ...(notices.size > 0 ? { notices: [...notices] } : {}),
    };
  }

  return {
    name: source.name,
    events$: source.events$,
    status,
    covers: (kind) => covered.has(kind),
    start: () => source.start(),
    stop: () => source.stop(),
  };
}
