/**
 * YouTube live chat by polling the Data API v3: the live chat of a video
 * (videos.list?part=liveStreamingDetails → activeLiveChatId) or of a channel's current
 * broadcast (search.list?eventType=live, 100 units: its answer is kept until that chat ends),
 * then liveChatMessages.list with `pageToken`, waiting at least `pollingIntervalMillis` and at
 * least the quota budget's floor between polls.
 *
 * Never reads old messages: the first page of a chat (its recent history) only marks its ids
 * as seen; after a reconnect within RESUME_WINDOW_MS the page token resumes exactly where
 * reading stopped, after a longer gap the history is skipped again. Message ids already
 * emitted are remembered (bounded), so a page seen twice emits nothing twice.
 *
 * Google's refusals, by `error.errors[0].reason`: quotaExceeded → wait for the daily reset;
 * rateLimitExceeded → poll more slowly; liveChatEnded / liveChatNotFound / liveChatDisabled
 * (or a chatEndedEvent, or `offlineAt`) → the stream ended: a channel is looked up again every
 * `liveSearchIntervalMs`, a fixed video is not read again; 401 / forbidden / a bad key → stop
 * until restarted with other settings. Anything else (network, 5xx, a body that is not JSON)
 * reconnects with backoff.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createReconnectingSource, type SourceConnection } from '../../server/src/core/reconnecting-source.ts';
import { SeenIds } from '../../server/src/core/seen-ids.ts';
import { SourceError, type CaptionSource, type SourceNotice, type SourceStatus } from '../../server/src/core/source.ts';
import type { SocketSourceOptions } from '../../server/src/core/websocket-source.ts';
import { createYouTubeClient, YOUTUBE_API_URL, YouTubeApiError, type YouTubeAuth } from './youtube-api.ts';
import { DEFAULT_YOUTUBE_TRIGGERS, toSourceEvent, type LiveChatMessage, type YouTubeTriggers } from './youtube-messages.ts';
import { DEFAULT_DAILY_QUOTA_UNITS, QuotaBudget } from './quota-budget.ts';

export interface YouTubeSourceOptions extends SocketSourceOptions, YouTubeAuth {
  /** The live video whose chat is read; or… */
  videoId?: string;
  /** …the channel whose current live broadcast is found (search.list, 100 units a look). */
  channelId?: string;
  /** Data API base URL; default YOUTUBE_API_URL (tests point it at the fake). */
  url?: string;
  triggers?: Partial<YouTubeTriggers>;
  /** The project's daily quota; default 10,000 units. */
  dailyQuotaUnits?: number;
  /** How many hours of streaming the daily quota must cover; default 4. */
  streamHours?: number;
  /** How often a channel without a live broadcast is searched again; default 15 min. */
  liveSearchIntervalMs?: number;
  /** Per-request deadline; default 10 s. */
  requestTimeoutMs?: number;
}

/** A reconnect within this long resumes at the page token; a longer gap skips the history again. */
export const RESUME_WINDOW_MS = 60_000;
/** Message ids remembered to emit each once (a first page holds up to 75 messages plus events). */
const SEEN_MESSAGE_IDS = 5_000;
/** rateLimitExceeded doubles the wait up to this factor; each good page halves it back. */
const MAX_SLOWDOWN = 8;
const TERMINAL_REASONS = new Set(['authError', 'forbidden', 'insufficientPermissions', 'keyInvalid', 'badRequest', 'accessNotConfigured', 'UNAUTHENTICATED', 'PERMISSION_DENIED']);
const ENDED_REASONS = new Set(['liveChatEnded', 'liveChatNotFound', 'liveChatDisabled']);
const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'RESOURCE_EXHAUSTED', 'http_429']);

type Phase = 'starting' | 'reading' | 'waiting-for-stream' | 'stream-ended' | 'quota-exceeded' | 'auth-failed';

interface VideoListResponse {
  items?: { id?: string; liveStreamingDetails?: { activeLiveChatId?: string; actualEndTime?: string } }[];
}
interface SearchListResponse {
  items?: { id?: { videoId?: string } }[];
}
interface ChatPage {
  nextPageToken?: string;
  pollingIntervalMillis?: number;
  offlineAt?: string;
  items?: LiveChatMessage[];
}

export function createYouTubeSource(options: YouTubeSourceOptions): CaptionSource {
  if (!options.videoId && !options.channelId) throw new TypeError('createYouTubeSource needs a videoId or a channelId');
  const triggers: YouTubeTriggers = { ...DEFAULT_YOUTUBE_TRIGGERS, ...options.triggers };
  const nowMs = options.nowMs ?? Date.now;
  const log = options.logger.child({ source: 'youtube', videoId: options.videoId, channelId: options.channelId });
  const budget = new QuotaBudget(options.dailyQuotaUnits ?? DEFAULT_DAILY_QUOTA_UNITS, options.streamHours ?? 4, nowMs);
  const api = createYouTubeClient({ baseUrl: options.url ?? YOUTUBE_API_URL, auth: options, budget, timeoutMs: options.requestTimeoutMs ?? 10_000 });
  const liveSearchIntervalMs = options.liveSearchIntervalMs ?? 15 * 60_000;
  const seen = new SeenIds(SEEN_MESSAGE_IDS);

  // Kept across reconnects and stop()/start().
  let videoId = options.videoId;
  let liveChatId: string | undefined;
  let pageToken: string | undefined;
  let lastPageAtMs = -Infinity;
  let slowdown = 1;
  let intervalMs = budget.pollFloorMs();
  let phase: Phase = 'starting';
  let lastError: string | undefined;

  const fail = (next: Phase, error: unknown): void => {
    phase = next;
    lastError = error instanceof Error ? error.message : String(error);
    log.warn({ phase, error: lastError }, 'youtube: not reading');
  };

  /** The live chat id of the video (found from the channel first), or undefined when it is not live. */
  async function findLiveChat(signal: AbortSignal): Promise<string | undefined> {
    if (!videoId && options.channelId) {
      const found = await api.get<SearchListResponse>(
        'search.list',
        { part: 'id', channelId: options.channelId, eventType: 'live', type: 'video', maxResults: '1' },
        signal,
      );
      videoId = found.items?.[0]?.id?.videoId;
      if (!videoId) return undefined;
    }
    const videos = await api.get<VideoListResponse>('videos.list', { part: 'liveStreamingDetails', id: videoId! }, signal);
    return videos.items?.[0]?.liveStreamingDetails?.activeLiveChatId || undefined;
  }

  /** The stream ended: a channel looks for its next broadcast, a fixed video stops. */
  function streamEnded(why: string): void {
    liveChatId = undefined;
    pageToken = undefined;
    if (options.channelId) videoId = undefined;
    fail(options.channelId ? 'waiting-for-stream' : 'stream-ended', why);
  }

  /** Reads one page; returns how long to wait before the next. */
  async function poll(connection: SourceConnection): Promise<number> {
    const firstPage = pageToken === undefined;
    const page = await api.get<ChatPage>(
      'liveChatMessages.list',
      { liveChatId: liveChatId!, part: 'id,snippet,authorDetails', ...(pageToken ? { pageToken } : {}) },
      connection.signal,
    );
    connection.alive();
    lastPageAtMs = nowMs();
    if (page.nextPageToken) pageToken = page.nextPageToken;
    let ended = page.offlineAt !== undefined;
    for (const item of page.items ?? []) {
      if (typeof item?.id !== 'string' || !seen.firstTime(item.id) || firstPage) continue;
      const event = toSourceEvent(item, { triggers, receivedAtMs: nowMs() });
      if (event === 'chat-ended') ended = true;
      else if (event) connection.emit(event);
    }
    if (ended) {
      streamEnded(page.offlineAt ? `the stream went offline at ${page.offlineAt}` : 'the live chat ended');
      return 0;
    }
    phase = 'reading';
    slowdown = Math.max(1, slowdown / 2);
    intervalMs = Math.max(page.pollingIntervalMillis ?? 0, budget.pollFloorMs()) * slowdown;
    return intervalMs;
  }

  async function connect(connection: SourceConnection): Promise<void> {
    const { signal } = connection;
    const wait = (ms: number): Promise<void> => sleep(ms, undefined, { signal }).catch(() => undefined);
    if (nowMs() - lastPageAtMs > RESUME_WINDOW_MS) pageToken = undefined;
    let usable = false;
    while (!signal.aborted) {
      if (phase === 'stream-ended' || phase === 'auth-failed') {
        // Only new settings help: no reconnect until restarted.
        throw new SourceError(`youtube_${phase}`, lastError ?? phase, { reconnect: 'never' });
      }
      try {
        if (!liveChatId) {
          liveChatId = await findLiveChat(signal);
          pageToken = undefined;
          if (!liveChatId) {
            streamEnded(options.channelId ? 'the channel is not live' : 'the video has no active live chat');
            if (options.channelId) await wait(liveSearchIntervalMs);
            continue;
          }
        }
        const nextInMs = await poll(connection);
        if (phase === 'reading') {
          if (!usable) connection.connected();
          usable = true;
          lastError = undefined;
          await wait(nextInMs);
        } else if (phase === 'waiting-for-stream') {
          await wait(liveSearchIntervalMs);
        }
      } catch (error) {
        if (signal.aborted) return;
        if (!(error instanceof YouTubeApiError)) {
          lastError = error instanceof Error ? error.message : String(error);
          throw error; // network, 5xx-free oddities: reconnect with backoff, page token kept
        }
        if (QUOTA_REASONS.has(error.reason)) {
          fail('quota-exceeded', error);
          await wait(budget.msUntilReset());
          phase = 'starting';
        } else if (RATE_REASONS.has(error.reason)) {
          slowdown = Math.min(MAX_SLOWDOWN, slowdown * 2);
          lastError = error.message;
          await wait(Math.max(intervalMs, budget.pollFloorMs()) * slowdown);
        } else if (ENDED_REASONS.has(error.reason)) {
          streamEnded(error.message);
          if (options.channelId) await wait(liveSearchIntervalMs);
        } else if (error.upstreamStatus === 401 || TERMINAL_REASONS.has(error.reason)) {
          fail('auth-failed', error);
        } else {
          lastError = error.message;
          throw error;
        }
      }
    }
  }

  const source = createReconnectingSource({ name: 'youtube', connect, logger: options.logger, backoff: options.backoff, idleTimeoutMs: 0, nowMs });

  const NOTICE: Partial<Record<Phase, SourceNotice>> = {
    'waiting-for-stream': 'waiting-for-stream',
    'stream-ended': 'stream-ended',
    'quota-exceeded': 'quota-exceeded',
    'auth-failed': 'auth-failed',
  };
  const status = (): SourceStatus => {
    const inner = source.status();
    const notices: SourceNotice[] = [];
    const notice = NOTICE[phase];
    if (notice) notices.push(notice);
    if (slowdown > 1) notices.push('rate-limited');
    return {
      connected: inner.connected && phase === 'reading',
      messagesPerMin: inner.messagesPerMin,
      ...(lastError === undefined ? {} : { lastError }),
      ...(notices.length > 0 ? { notices } : {}),
      quota: {
        usedUnits: budget.usedUnits(),
        dailyUnits: budget.dailyUnits,
        lastsMs: budget.lastsMs(intervalMs),
        resetsInMs: budget.msUntilReset(),
      },
    };
  };
  return { ...source, status };
}
