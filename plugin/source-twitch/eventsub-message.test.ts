import { describe, expect, it } from 'vitest';
import { KEEPALIVE_FRAME, RECONNECT_FRAME, REVOCATION_FRAME, WELCOME_FRAME } from '../../test/fakes/twitch/eventsub-payloads.ts';
import { EventSubFrameError, messageTimeMs, parseEventSubFrame } from './eventsub-message.ts';

describe('parseEventSubFrame (the websocket reference\'s examples)', () => {
  it('reads welcome, keepalive, reconnect and revocation', () => {
    expect(parseEventSubFrame(JSON.stringify(WELCOME_FRAME))).toMatchObject({
      type: 'session_welcome',
      session: { id: 'AQoQILE98gtqShGmLD7AM6yJThAB', keepalive_timeout_seconds: 10 },
    });
    expect(parseEventSubFrame(JSON.stringify(KEEPALIVE_FRAME))).toMatchObject({ type: 'session_keepalive', metadata: { message_id: '8d8e0935-0e0c-479a-8fa2-ad4c02cef742' } });
    expect(parseEventSubFrame(JSON.stringify(RECONNECT_FRAME))).toMatchObject({ type: 'session_reconnect', session: { reconnect_url: 'wss://eventsub.wss.twitch.tv?...' } });
    expect(parseEventSubFrame(JSON.stringify(REVOCATION_FRAME))).toMatchObject({
      type: 'revocation',
      subscription: { type: 'channel.follow', status: 'authorization_revoked' },
    });
  });

  it('refuses malformed frames with a typed error', () => {
    for (const bad of ['not json', '[]', '{}', '{"metadata":{},"payload":{}}', JSON.stringify({ ...KEEPALIVE_FRAME, metadata: { ...KEEPALIVE_FRAME.metadata, message_type: 'surprise' } }), JSON.stringify({ ...REVOCATION_FRAME, payload: {} })]) {
      expect(() => parseEventSubFrame(bad)).toThrow(EventSubFrameError);
    }
  });

  it('reads nanosecond timestamps to the millisecond', () => {
    expect(messageTimeMs(WELCOME_FRAME.metadata)).toBe(Date.UTC(2022, 9, 19, 14, 56, 51, 634));
  });
});
