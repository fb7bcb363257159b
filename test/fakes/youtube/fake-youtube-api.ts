/**
 * A fake YouTube Data API v3 (HTTP on 127.0.0.1, port 0) for the live chat calls:
 * videos.list?part=liveStreamingDetails, search.list?eventType=live&type=video and
 * liveChatMessages.list (the first page = the chat's recent history, at most 75 messages;
 * then pages from `pageToken`, with `pollingIntervalMillis`, `offlineAt` once the stream is
 * offline). It counts quota units per call at the documented costs
 * (https://developers.google.com/youtube/v3/determine_quota_cost) and answers errors exactly as
 * Google does, `{"error": {"code", "message", "errors": [{"message", "domain", "reason"}]}}`,
 * with the reasons listed at https://developers.google.com/youtube/v3/live/docs/liveChatMessages/list#errors
 * (forbidden, liveChatDisabled, liveChatEnded, liveChatNotFound, rateLimitExceeded), the
 * quota's `quotaExceeded` (domain youtube.quota) and the global 401 authError / 400 bad key.
 * A poll sooner than the last `pollingIntervalMillis` is refused with rateLimitExceeded, as
 * the docs describe.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LiveChatMessageResource } from './live-chat-messages.ts';

export const QUOTA_COSTS = { videos: 1, search: 100, messages: 5 } as const;
type Endpoint = keyof typeof QUOTA_COSTS;

export type FakeFailure =
  | 'quotaExceeded'
  | 'rateLimitExceeded'
  | 'liveChatEnded'
  | 'liveChatNotFound'
  | 'liveChatDisabled'
  | 'forbidden'
  | 'authError'
  | 'keyInvalid'
  | 'backendError'
  | 'malformed';

/** Google's bodies for each failure (messages as the API words them). */
export function googleError(failure: Exclude<FakeFailure, 'malformed'>): { status: number; body: object } {
  const one = (code: number, domain: string, reason: string, message: string, extra: object = {}) => ({
    status: code,
    body: { error: { code, message, errors: [{ message, domain, reason }], ...extra } },
  });
  const quota = 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';
  switch (failure) {
    case 'quotaExceeded':
      return one(403, 'youtube.quota', 'quotaExceeded', quota);
    case 'rateLimitExceeded':
      return one(403, 'youtube.liveChat', 'rateLimitExceeded', 'The request was sent too quickly after the previous request.');
    case 'liveChatEnded':
      return one(403, 'youtube.liveChat', 'liveChatEnded', 'The live chat is no longer live.');
    case 'liveChatDisabled':
      return one(403, 'youtube.liveChat', 'liveChatDisabled', 'The live chat is disabled.');
    case 'forbidden':
      return one(403, 'youtube.liveChat', 'forbidden', "You don't have the permissions required to retrieve messages for the specified live chat.");
    case 'liveChatNotFound':
      return one(404, 'youtube.liveChat', 'liveChatNotFound', 'The live chat that you are trying to retrieve cannot be found. Check the value of the requests <code>liveChatId</code> parameter to ensure that it is correct.');
    case 'authError': {
      const message = 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
      return {
        status: 401,
        body: { error: { code: 401, message, errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }], status: 'UNAUTHENTICATED' } },
      };
    }
    case 'keyInvalid':
      return one(400, 'global', 'badRequest', 'API key not valid. Please pass a valid API key.', { status: 'INVALID_ARGUMENT' });
    case 'backendError':
      return one(503, 'global', 'backendError', 'Backend Error');
  }
}

interface Broadcast {
  videoId: string;
  channelId: string;
  liveChatId: string;
  offlineAt?: string;
  ended: boolean;
  messages: LiveChatMessageResource[];
}

export interface FakeCall {
  endpoint: Endpoint;
  params: Record<string, string>;
  atMs: number;
  status: number;
}

export interface FakeYouTubeApi {
  /** The base URL to give as YOUTUBE_API_URL (…/youtube/v3). */
  url: string;
  readonly calls: FakeCall[];
  /** Quota units charged so far (every call, failed ones too). */
  unitsUsed(): number;
  /** A live broadcast of `channelId` with its chat. */
  goLive(videoId: string, channelId: string, liveChatId: string): void;
  /** Posts to a chat: messages appear on the next page. */
  post(liveChatId: string, ...messages: LiveChatMessageResource[]): void;
  /** The stream goes offline: pages carry offlineAt, then the chat is liveChatEnded and the video has no activeLiveChatId. */
  endStream(videoId: string): void;
  /** The next `count` calls (to `endpoint`, or any) fail this way. */
  failNext(failure: FakeFailure, count?: number, endpoint?: Endpoint): void;
  /** Polls refused because they came sooner than pollingIntervalMillis. */
  tooSoonCount(): number;
  close(): Promise<void>;
}

export interface FakeYouTubeOptions {
  apiKey?: string;
  oauthToken?: string;
  pollingIntervalMillis?: number;
  dailyQuotaUnits?: number;
}

/** The first page returns at most this many recent messages (liveChatMessages.list, maxResults). */
const HISTORY_MESSAGES = 75;

export async function startFakeYouTubeApi(options: FakeYouTubeOptions = {}): Promise<FakeYouTubeApi> {
  const pollingIntervalMillis = options.pollingIntervalMillis ?? 100;
  const dailyQuota = options.dailyQuotaUnits ?? 10_000;
  const broadcasts = new Map<string, Broadcast>();
  const calls: FakeCall[] = [];
  const failures: { failure: FakeFailure; endpoint?: Endpoint }[] = [];
  const lastPollAt = new Map<string, number>();
  let units = 0;
  let tooSoon = 0;

  const chatOf = (liveChatId: string): Broadcast | undefined => [...broadcasts.values()].find((b) => b.liveChatId === liveChatId);
  const token = (liveChatId: string, index: number): string => Buffer.from(`${liveChatId}|${index}`).toString('base64url');
  const fromToken = (pageToken: string): { liveChatId: string; index: number } | undefined => {
    const [liveChatId, index] = Buffer.from(pageToken, 'base64url').toString().split('|');
    return liveChatId && index !== undefined && /^\d+$/u.test(index) ? { liveChatId, index: Number(index) } : undefined;
  };

  function authorized(req: IncomingMessage, params: Record<string, string>): Exclude<FakeFailure, 'malformed'> | undefined {
    const bearer = /^Bearer (.+)$/u.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) return bearer === options.oauthToken ? undefined : 'authError';
    if (params['key'] !== undefined) return params['key'] === options.apiKey ? undefined : 'keyInvalid';
    return 'forbidden';
  }

  function answer(endpoint: Endpoint, params: Record<string, string>): { status: number; body: object | string } {
    if (endpoint === 'videos') {
      const b = broadcasts.get(params['id'] ?? '');
      const items = b
        ? [
            {
              kind: 'youtube#video',
              etag: `v-${b.videoId}`,
              id: b.videoId,
              liveStreamingDetails: {
                actualStartTime: '2024-05-01T18:00:00Z',
                ...(b.ended ? { actualEndTime: b.offlineAt } : { concurrentViewers: '42', activeLiveChatId: b.liveChatId }),
              },
            },
          ]
        : [];
      return { status: 200, body: { kind: 'youtube#videoListResponse', etag: 'videos', items, pageInfo: { totalResults: items.length, resultsPerPage: items.length } } };
    }
    if (endpoint === 'search') {
      const live = [...broadcasts.values()].filter((b) => b.channelId === params['channelId'] && !b.ended && params['eventType'] === 'live');
      const items = live.map((b) => ({ kind: 'youtube#searchResult', etag: `s-${b.videoId}`, id: { kind: 'youtube#video', videoId: b.videoId } }));
      return {
        status: 200,
        body: { kind: 'youtube#searchListResponse', etag: 'search', regionCode: 'US', pageInfo: { totalResults: items.length, resultsPerPage: 5 }, items },
      };
    }
    const b = chatOf(params['liveChatId'] ?? '');
    if (!b) return googleError('liveChatNotFound');
    if (b.ended && b.offlineAt !== undefined && lastPollAt.has(`${b.liveChatId}:ended`)) return googleError('liveChatEnded');
    let start: number;
    if (params['pageToken']) {
      const at = fromToken(params['pageToken']);
      if (!at || at.liveChatId !== b.liveChatId) return googleError('liveChatNotFound');
      const previous = lastPollAt.get(b.liveChatId);
      if (previous !== undefined && Date.now() - previous < pollingIntervalMillis) {
        tooSoon += 1;
        return googleError('rateLimitExceeded');
      }
      start = at.index;
    } else {
      start = Math.max(0, b.messages.length - HISTORY_MESSAGES);
    }
    lastPollAt.set(b.liveChatId, Date.now());
    if (b.ended) lastPollAt.set(`${b.liveChatId}:ended`, Date.now());
    const items = b.messages.slice(start);
    return {
      status: 200,
      body: {
        kind: 'youtube#liveChatMessageListResponse',
        etag: `page-${b.messages.length}`,
        nextPageToken: token(b.liveChatId, b.messages.length),
        pollingIntervalMillis,
        ...(b.offlineAt ? { offlineAt: b.offlineAt } : {}),
        pageInfo: { totalResults: items.length, resultsPerPage: items.length },
        items,
      },
    };
  }

  const ROUTES: Record<string, Endpoint> = { '/youtube/v3/videos': 'videos', '/youtube/v3/search': 'search', '/youtube/v3/liveChat/messages': 'messages' };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const endpoint = ROUTES[url.pathname];
    const send = (status: number, body: object | string): void => {
      calls.push({ endpoint: endpoint ?? 'videos', params, atMs: Date.now(), status });
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const sendError = (failure: Exclude<FakeFailure, 'malformed'>): void => {
      const { status, body } = googleError(failure);
      send(status, body);
    };
    const params = Object.fromEntries(url.searchParams);
    if (req.method !== 'GET' || !endpoint) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>');
      return;
    }
    units += QUOTA_COSTS[endpoint];
    const denied = authorized(req, params);
    if (denied) return sendError(denied);
    if (units > dailyQuota) return sendError('quotaExceeded');
    const i = failures.findIndex((f) => f.endpoint === undefined || f.endpoint === endpoint);
    if (i >= 0) {
      const [{ failure }] = failures.splice(i, 1) as [{ failure: FakeFailure }];
      if (failure === 'malformed') return void send(200, '{"kind": "youtube#liveChatMessageListResponse", "items": [');
      return sendError(failure);
    }
    const { status, body } = answer(endpoint, params);
    send(status, body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/youtube/v3`,
    calls,
    unitsUsed: () => units,
    goLive(videoId, channelId, liveChatId) {
      broadcasts.set(videoId, { videoId, channelId, liveChatId, ended: false, messages: [] });
    },
    post(liveChatId, ...messages) {
      const b = chatOf(liveChatId);
      if (!b) throw new Error(`no chat ${liveChatId}`);
      b.messages.push(...messages);
    },
    endStream(videoId) {
      const b = broadcasts.get(videoId);
      if (!b) throw new Error(`no video ${videoId}`);
      b.ended = true;
      b.offlineAt = new Date().toISOString();
    },
    failNext(failure, count = 1, endpoint) {
      for (let i = 0; i < count; i++) failures.push({ failure, ...(endpoint ? { endpoint } : {}) });
    },
    tooSoonCount: () => tooSoon,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}
