/**
 * A Kick channel's ids from its public page data, `GET <api>/api/v2/channels/<slug>` →
 * `{ id, chatroom: { id, … }, … }` (the endpoint kick.com's own web client reads; shape:
 * retconned/kick-js, BankkRoll/kick.com-api README). It sits behind Cloudflare, which often
 * answers servers with a 403 challenge page instead: that failure says to set KICK_CHATROOM_ID.
 */
import { SourceError } from '../../server/src/core/source.ts';

export const KICK_API_URL = 'https://kick.com';

export interface KickChannelIds {
  /** Where chat happens: the Pusher channel `chatrooms.<chatroomId>.v2`. */
  chatroomId: number;
  /** The channel itself: `channel_<channelId>` carries KICKs gifts. */
  channelId?: number;
}

const LOOKUP_TIMEOUT_MS = 10_000;

const positiveInt = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;

export async function lookUpKickChannel(apiUrl: string, slug: string, timeoutMs = LOOKUP_TIMEOUT_MS): Promise<KickChannelIds> {
  const url = `${apiUrl.replace(/\/+$/u, '')}/api/v2/channels/${encodeURIComponent(slug)}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new SourceError('kick_lookup_failed', `Kick channel lookup failed: ${(error as Error).message}`, { cause: error });
  }
  if (response.status === 403 || response.status === 429 || response.headers.has('cf-mitigated')) {
    await response.body?.cancel();
    throw new SourceError(
      'kick_lookup_refused',
      `kick.com refused the channel lookup (HTTP ${response.status}, Cloudflare); set KICK_CHATROOM_ID to the channel's chatroom id`,
    );
  }
  if (response.status === 404) {
    await response.body?.cancel();
    throw new SourceError('kick_channel_not_found', `Kick has no channel "${slug}" (check KICK_CHANNEL)`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new SourceError('kick_lookup_failed', `Kick channel lookup answered HTTP ${response.status}`);
  }
  let body: { id?: unknown; chatroom?: { id?: unknown } };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new SourceError('kick_lookup_unreadable', 'Kick channel lookup answered something that is not JSON');
  }
  const chatroomId = positiveInt(body?.chatroom?.id);
  if (chatroomId === undefined) throw new SourceError('kick_lookup_unreadable', 'Kick channel lookup answered no chatroom.id');
  const channelId = positiveInt(body.id);
  return { chatroomId, ...(channelId === undefined ? {} : { channelId }) };
}
