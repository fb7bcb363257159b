/**
 * The few Twitch HTTP calls EventSub needs: validate the token
 * (https://dev.twitch.tv/docs/authentication/validate-tokens/), a login → user id
 * (Get Users), and Create EventSub Subscription
 * (https://dev.twitch.tv/docs/api/reference/#create-eventsub-subscription). Helix errors are
 * `{error, status, message}`; each becomes a HelixError with its status.
 */
import { SourceError } from '../../server/src/core/source.ts';
import type { SubscriptionSpec } from './eventsub-events.ts';

export const TWITCH_HELIX_URL = 'https://api.twitch.tv/helix';
export const TWITCH_ID_URL = 'https://id.twitch.tv/oauth2';

/** Each call's deadline. */
const REQUEST_TIMEOUT_MS = 10_000;

/** codes: twitch_token_invalid (401), twitch_scope_missing (403), twitch_rate_limited (429), twitch_http_error (any other). */
export class HelixError extends SourceError {
  constructor(
    code: string,
    message: string,
    readonly status: number,
    /** 429: when the bucket refills (Ratelimit-Reset, epoch seconds → ms). */
    readonly retryAtMs?: number,
  ) {
    super(code, message);
  }
}

export interface ValidatedToken {
  clientId: string;
  login: string;
  userId: string;
  scopes: string[];
  expiresInS: number;
}

export interface HelixClientOptions {
  helixUrl: string;
  idUrl: string;
  clientId: string;
  /** With or without its "oauth:" prefix (the IRC form). */
  oauthToken: string;
  /** The connection's signal: a stop cancels the call. */
  signal: AbortSignal;
}

function errorFor(status: number, body: string, headers: Headers, what: string): HelixError {
  let message = body.slice(0, 200);
  try {
    message = String((JSON.parse(body) as { message?: unknown }).message ?? message);
  } catch {
    // not JSON: keep the text
  }
  const text = `${what}: ${status} ${message}`;
  if (status === 401) return new HelixError('twitch_token_invalid', text, status);
  if (status === 403) return new HelixError('twitch_scope_missing', text, status);
  if (status === 429) {
    const resetS = Number(headers.get('ratelimit-reset'));
    return new HelixError('twitch_rate_limited', text, status, Number.isFinite(resetS) && resetS > 0 ? resetS * 1000 : undefined);
  }
  return new HelixError('twitch_http_error', text, status);
}

export function createHelixClient(options: HelixClientOptions) {
  const token = options.oauthToken.replace(/^oauth:/u, '');

  async function call(url: string, init: RequestInit, what: string): Promise<unknown> {
    const response = await fetch(url, { ...init, signal: AbortSignal.any([options.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) });
    const body = await response.text();
    if (!response.ok) throw errorFor(response.status, body, response.headers, what);
    return body === '' ? undefined : (JSON.parse(body) as unknown);
  }

  const helixHeaders = { Authorization: `Bearer ${token}`, 'Client-Id': options.clientId };

  return {
    /** GET /oauth2/validate (header `Authorization: OAuth <token>`). */
    async validate(): Promise<ValidatedToken> {
      const body = (await call(`${options.idUrl}/validate`, { headers: { Authorization: `OAuth ${token}` } }, 'token validation')) as Record<string, unknown>;
      return {
        clientId: String(body['client_id'] ?? ''),
        login: String(body['login'] ?? ''),
        userId: String(body['user_id'] ?? ''),
        scopes: Array.isArray(body['scopes']) ? body['scopes'].map(String) : [],
        expiresInS: Number(body['expires_in'] ?? 0),
      };
    },

    /** GET /helix/users?login=… → the user's id. */
    async userIdOf(login: string): Promise<string> {
      const body = (await call(`${options.helixUrl}/users?login=${encodeURIComponent(login)}`, { headers: helixHeaders }, 'user lookup')) as {
        data?: { id?: string }[];
      };
      const id = body.data?.[0]?.id;
      if (!id) throw new HelixError('twitch_unknown_channel', `Twitch has no channel named ${login}`, 200);
      return id;
    },

    /** POST /helix/eventsub/subscriptions over the WebSocket session `sessionId`. */
    async subscribe(spec: SubscriptionSpec, sessionId: string): Promise<void> {
      await call(
        `${options.helixUrl}/eventsub/subscriptions`,
        {
          method: 'POST',
          headers: { ...helixHeaders, 'Content-Type': 'application/json' },
          body: JSON.stringify({ type: spec.type, version: spec.version, condition: spec.condition, transport: { method: 'websocket', session_id: sessionId } }),
        },
        spec.type,
      );
    },
  };
}

export type HelixClient = ReturnType<typeof createHelixClient>;
