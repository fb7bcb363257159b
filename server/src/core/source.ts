/**
 * The contract between chat/ASR source plugins (plugin/source-*) and the relay: what a
 * source emits, how its health is read, and how it is started and stopped.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Observable } from 'rxjs';
import { RelayError } from './errors.ts';
import type { CaptionSourceName, TimedWord } from './types.ts';

export const CHAT_ROLES = ['broadcaster', 'moderator', 'vip', 'subscriber', 'viewer'] as const;

/** What the chatter is in the channel. Every chatter is at least a 'viewer'. */
export type ChatRole = (typeof CHAT_ROLES)[number];

/**
 * Why the caption exists (a voiced ASR final is a plain 'chat' caption). 'raid',
 * 'announcement' and 'follow' are Twitch notices (a raid arriving; a moderator's /announce;
 * a new follower, from EventSub).
 */
export type CaptionKind = 'chat' | 'bits' | 'reward' | 'sub' | 'gift' | 'superchat' | 'raid' | 'announcement' | 'follow';

/** Kinds that are money even when the platform reports no amount (a Twitch sub or sub gift). */
const PAID_KINDS: ReadonlySet<CaptionKind> = new Set(['bits', 'superchat', 'gift', 'sub']);

/**
 * Whether a caption was paid for: an amount, or a kind that costs money. A paid readout is
 * never dropped by the viewer limits (duplicates, cooldown, per-user cap) nor deduplicated
 * against an unpaid one.
 */
export function isPaidCaption(caption: { kind?: CaptionKind; paidAmount?: PaidAmount }): boolean {
  return (caption.paidAmount?.value ?? 0) > 0 || (caption.kind !== undefined && PAID_KINDS.has(caption.kind));
}

/** Money or platform currency attached to a caption (bits: Twitch cheers; CNY: Bilibili). */
export interface PaidAmount {
  value: number;
  currency: 'bits' | 'CNY' | (string & {});
}

/** A caption as a source produced it, before moderation. */
export interface SourceCaption {
  type: 'caption';
  kind: CaptionKind;
  /** Text to speak, already cleaned of platform markup (emote codes, cheermotes, /me). */
  text: string;
  /** Display name. */
  user: string;
  /** The platform's stable user id, when it has one. */
  userId?: string;
  /**
   * The platform hid the name (Bilibili without login: "提***"): it is neither the viewer's
   * name nor unique. Per-user rules key on `userId` only; without one they do not apply.
   */
  maskedName?: boolean;
  roles: ChatRole[];
  paidAmount?: PaidAmount;
  /** Twitch: the channel-point custom reward redeemed (IRC tag `custom-reward-id`); the voice rules may give it a voice. */
  rewardId?: string;
  /** Bilibili: the gift's name (SEND_GIFT `giftName`); the voice rules may give it a voice. */
  giftName?: string;
  /** The platform's message id (what a clear-message action refers to). */
  messageId: string;
  source: CaptionSourceName;
  lang?: string;
  /** Date.now() when the relay received it. */
  receivedAtMs: number;
}

/** A moderator banned or timed out a user: drop their queued and playing readouts. */
export interface ClearUserAction {
  type: 'clear-user';
  source: CaptionSourceName;
  /** Login or display name; match on `userId` when both sides have one. */
  user: string;
  userId?: string;
  receivedAtMs: number;
}

/** A moderator deleted one message: drop the readout with that `messageId`. */
export interface ClearMessageAction {
  type: 'clear-message';
  source: CaptionSourceName;
  messageId: string;
  receivedAtMs: number;
}

/**
 * A line for the overlay's live subtitle, never voiced by itself: each unfinished version
 * replaces the line in place, the `final` one ends it. The versions of one line share
 * `messageId` (a caption voicing the same sentence has it too).
 */
export interface SubtitleLine {
  type: 'subtitle';
  source: CaptionSourceName;
  messageId: string;
  text: string;
  final: boolean;
  lang?: string;
  receivedAtMs: number;
  /** A recognizer's word timings, ms from the line's start (finals). */
  words?: TimedWord[];
  /** The line in the translation target language. */
  translation?: { lang: string; text: string };
  /** Wall clock when the line's first word was spoken, and how long it lasted (finals from a recognizer). */
  startedAtMs?: number;
  durationMs?: number;
}

export type SourceEvent = SourceCaption | ClearUserAction | ClearMessageAction | SubtitleLine;

export interface SourceStatus {
  connected: boolean;
  /** Captions and actions emitted in the last 60 s. */
  messagesPerMin: number;
  /** The most recent connection error (kept after a reconnect; `connected` tells the present). */
  lastError?: string;
  /** What the streamer should know about the connection, as codes the panel words. */
  notices?: SourceNotice[];
  /** The platform's audience figure from its heartbeat replies (Bilibili 人气值), when it sends one. */
  popularity?: number;
  /** A metered API's daily quota (YouTube), as this source spends it. */
  quota?: SourceQuota;
  /** Frames from the platform that could not be read (bad JSON, a wrong shape), skipped since start; absent = none. */
  malformedFrames?: number;
}

/** Units of a daily API quota: spent today, the budget, and how long the rest lasts at the current rate. */
export interface SourceQuota {
  usedUnits: number;
  dailyUnits: number;
  /** At the current polling rate, until the units left are spent (0 when spent). */
  lastsMs: number;
  /** Until the platform resets the quota. */
  resetsInMs: number;
}

/**
 * 'names-masked': the platform hides viewers' names and ids from this connection (Bilibili
 * without login); the fix is to log in (for Bilibili: BILIBILI_UID and BILIBILI_KEY).
 * 'quota-exceeded': the API's daily quota is spent; reading resumes when it resets.
 * 'rate-limited': the platform asked to poll more slowly; the source does.
 * 'stream-ended': the live chat ended; nothing is read until a new stream is found (or ever, for a fixed video).
 * 'waiting-for-stream': no live stream yet; the source looks again now and then.
 * 'auth-failed': the platform refused the credentials or access; fix the settings and restart.
 * 'chatroom-lookup-refused': the platform's public channel endpoint refused this server
 * (Kick behind Cloudflare); the fix is to give the chatroom id (KICK_CHATROOM_ID).
 */
export type SourceNotice = 'names-masked' | 'quota-exceeded' | 'rate-limited' | 'stream-ended' | 'waiting-for-stream' | 'auth-failed' | 'chatroom-lookup-refused' | EventSubNotice;

/**
 * Twitch EventSub: 'eventsub-token-invalid' (the token was refused: 401), 'eventsub-scope-missing'
 * (a subscription was refused for a scope the token lacks: 403; the others go on),
 * 'eventsub-revoked' (Twitch ended a subscription: authorization revoked, user removed,
 * version removed). The affected subscriptions are named in `lastError`.
 */
export type EventSubNotice = 'eventsub-token-invalid' | 'eventsub-scope-missing' | 'eventsub-revoked';

/** A source that is connected to from outside: it takes HTTP upgrades on its own path. */
export interface UpgradeHandler {
  /** The exact URL path it serves, e.g. '/ingest/asr'. */
  readonly path: string;
  /** Takes an upgrade request for `path`: accepts it, or answers it with an HTTP error. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Takes a plain HTTP POST to `path` whose body is the feed, for tools that cannot speak
   * WebSocket (ffmpeg): streams it, or answers it with an HTTP error.
   */
  handleStream?(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * A live source. `events$` is hot and stays open across stop()/start(). start() connects
 * (and keeps reconnecting with backoff) or, for a source with `upgrade`, begins accepting
 * connections; stop() disconnects them and resolves once closed.
 */
export interface CaptionSource {
  readonly name: CaptionSourceName;
  readonly events$: Observable<SourceEvent>;
  status(): SourceStatus;
  start(): void;
  stop(): Promise<void>;
  readonly upgrade?: UpgradeHandler;
}

export interface IngestRoutes {
  /** WebSocket upgrades, by path. */
  upgrades: Record<string, UpgradeHandler['handleUpgrade']>;
  /** HTTP streams (POSTs the gateway hands over before its app), by path. */
  streams: Record<string, NonNullable<UpgradeHandler['handleStream']>>;
}

/** The ingest handlers of `sources`, by path: what the gateway routes upgrades and streamed POSTs by. */
export function ingestRoutes(sources: readonly CaptionSource[]): IngestRoutes {
  const routes: IngestRoutes = { upgrades: {}, streams: {} };
  for (const { upgrade } of sources) {
    if (!upgrade) continue;
    routes.upgrades[upgrade.path] = (req, socket, head) => upgrade.handleUpgrade(req, socket, head);
    const { handleStream } = upgrade;
    if (handleStream) routes.streams[upgrade.path] = (req, res) => handleStream.call(upgrade, req, res);
  }
  return routes;
}

/**
 * When a source connects again after a failed connection: after the backoff (the default),
 * at once (the server asked; once per usable connection, then backoff), or not until it is
 * restarted (the server said retrying cannot help, e.g. an unknown app key).
 */
export type ReconnectAdvice = 'backoff' | 'at-once' | 'never';

/** A source connection failed in a way a retry may fix (auth refused, protocol error). */
export class SourceError extends RelayError {
  readonly reconnect: ReconnectAdvice;

  constructor(code: string, message: string, options?: { cause?: unknown; reconnect?: ReconnectAdvice }) {
    super(code, message, 502, options);
    this.reconnect = options?.reconnect ?? 'backoff';
  }
}

/** Which chat messages are read aloud: those starting with `commandPrefix`, or all of them. */
export interface ChatTriggers {
  /** e.g. "!tts"; null = no command trigger. */
  commandPrefix: string | null;
  allMessages: boolean;
}

/**
 * The text to read for a chat message under `triggers`, or undefined when it does not
 * trigger. A command prefix is stripped (case-insensitive, must be followed by a space).
 */
export function triggeredChatText(text: string, triggers: ChatTriggers): string | undefined {
  const prefix = triggers.commandPrefix;
  if (prefix !== null && prefix !== '' && text.length > prefix.length) {
    const head = text.slice(0, prefix.length);
    if (head.toLowerCase() === prefix.toLowerCase() && /\s/u.test(text[prefix.length] ?? '')) {
      const rest = text.slice(prefix.length).trim();
      return rest === '' ? undefined : rest;
    }
  }
  return triggers.allMessages ? text : undefined;
}

/** Counts events over the last minute in one-second buckets (bounded memory). */
export class MinuteRate {
  private readonly buckets = new Array<number>(60).fill(0);
  private readonly bucketSecond = new Array<number>(60).fill(-1);

  constructor(private readonly nowMs: () => number = Date.now) {}

  record(): void {
    const second = Math.floor(this.nowMs() / 1000);
    const i = second % 60;
    if (this.bucketSecond[i] !== second) {
      this.bucketSecond[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
  }

  perMinute(): number {
    const second = Math.floor(this.nowMs() / 1000);
    let total = 0;
    for (let i = 0; i < 60; i++) {
      const at = this.bucketSecond[i] ?? -1;
      if (at > second - 60 && at <= second) total += this.buckets[i] ?? 0;
    }
    return total;
  }
}
