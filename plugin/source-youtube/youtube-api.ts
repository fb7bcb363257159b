/**
 * One YouTube Data API v3 call: GET `<base>/<path>?…` with the API key (`key=`) or an OAuth
 * bearer token, a deadline, the quota units it costs counted, and Google's error body
 * (`{"error": {"code", "message", "errors": [{"reason", "domain", …}]}}`) turned into a
 * typed YouTubeApiError carrying the reason.
 */
import { SourceError } from '../../server/src/core/source.ts';
import type { QuotaBudget, YouTubeMethod } from './quota-budget.ts';

export const YOUTUBE_API_URL = 'https://www.googleapis.com/youtube/v3';

const PATHS: Record<YouTubeMethod, string> = {
  'videos.list': '/videos',
  'search.list': '/search',
  'liveChatMessages.list': '/liveChat/messages',
};

export interface YouTubeAuth {
  apiKey?: string;
  /** OAuth 2.0 access token (scope youtube.readonly, or youtube / youtube.force-ssl). */
  oauthToken?: string;
}

/** Google refused a call: `reason` is `error.errors[0].reason` (quotaExceeded, liveChatEnded, authError, …). */
export class YouTubeApiError extends SourceError {
  constructor(
    readonly upstreamStatus: number,
    readonly reason: string,
    message: string,
  ) {
    super(`youtube_${reason}`, `YouTube ${upstreamStatus} ${reason}: ${message}`);
  }
}

interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; errors?: { reason?: string; message?: string }[] };
}

function apiError(status: number, bodyText: string): YouTubeApiError {
  let body: GoogleErrorBody | undefined;
  try {
    body = JSON.parse(bodyText) as GoogleErrorBody;
  } catch {
    body = undefined;
  }
  const first = body?.error?.errors?.[0];
  const reason = first?.reason ?? body?.error?.status ?? `http_${status}`;
  const message = (body?.error?.message ?? bodyText.slice(0, 200)).replace(/<[^>]*>/gu, '');
  return new YouTubeApiError(status, reason, message);
}

export interface YouTubeClient {
  get<T>(method: YouTubeMethod, params: Record<string, string>, signal: AbortSignal): Promise<T>;
}

export function createYouTubeClient(options: { baseUrl: string; auth: YouTubeAuth; budget: QuotaBudget; timeoutMs: number }): YouTubeClient {
  const base = options.baseUrl.replace(/\/+$/u, '');
  return {
    async get<T>(method: YouTubeMethod, params: Record<string, string>, signal: AbortSignal): Promise<T> {
      const query = new URLSearchParams(params);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.auth.oauthToken) headers['authorization'] = `Bearer ${options.auth.oauthToken}`;
      else if (options.auth.apiKey) query.set('key', options.auth.apiKey);
      // Google charges a call even when it fails.
      options.budget.spend(method);
      const response = await fetch(`${base}${PATHS[method]}?${query.toString()}`, {
        headers,
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
      });
      const text = await response.text();
      if (!response.ok) throw apiError(response.status, text);
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new SourceError('youtube_malformed_response', `YouTube ${method} answered ${response.status} with a body that is not JSON`);
      }
    },
  };
}
