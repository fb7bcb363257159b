import { describe, expect, it } from 'vitest';
import { REAL_FRAMES } from '../../test/fakes/kick/kick-payloads.ts';
import { MalformedFrameError, parsePusherFrame, reconnectAdviceOf } from './pusher-frame.ts';

describe('parsePusherFrame', () => {
  it("decodes an app event's string data, keeping its channel", () => {
    const frame = parsePusherFrame(REAL_FRAMES.chatPlain);
    expect(frame.event).toBe('App\\Events\\ChatMessageEvent');
    expect(frame.channel).toBe('chatrooms.2507974.v2');
    expect(frame.data).toMatchObject({ id: 'b2af4980-9dfa-4822-960d-0e64704e2ced', content: 'more in premiere' });
  });

  it("reads Pusher's own events with data as a string, an object or nothing", () => {
    expect(parsePusherFrame('{"event":"pusher:connection_established","data":"{\\"socket_id\\":\\"1.2\\",\\"activity_timeout\\":120}"}').data).toEqual({
      socket_id: '1.2',
      activity_timeout: 120,
    });
    expect(parsePusherFrame('{"event":"pusher:error","data":{"code":4201,"message":"Pong reply not received"}}').data).toEqual({
      code: 4201,
      message: 'Pong reply not received',
    });
    expect(parsePusherFrame('{"event":"pusher:ping","data":{}}').data).toEqual({});
    expect(parsePusherFrame('{"event":"pusher_internal:subscription_succeeded","data":"{}","channel":"chatrooms.1.v2"}').channel).toBe('chatrooms.1.v2');
  });

  it.each([
    ['not JSON', '{"event":"App\\\\Events\\\\ChatMessageEvent","data":'],
    ['no event', '{"data":"{}"}'],
    ['app data as an object', '{"event":"App\\\\Events\\\\ChatMessageEvent","data":{"content":"hi"}}'],
    ['app data that is not JSON', '{"event":"App\\\\Events\\\\ChatMessageEvent","data":"{content"}'],
    ['app data that is a JSON array', '{"event":"App\\\\Events\\\\ChatMessageEvent","data":"[1,2]"}'],
    ['a frame that is an array', '[]'],
  ])('refuses a malformed frame: %s', (_what, text) => {
    expect(() => parsePusherFrame(text)).toThrow(MalformedFrameError);
  });
});

describe('reconnectAdviceOf (Pusher error codes)', () => {
  it.each([
    [4001, 'never'],
    [4009, 'never'],
    [4100, 'backoff'],
    [4199, 'backoff'],
    [4200, 'at-once'],
    [4201, 'at-once'],
    [4202, 'at-once'],
    [null, 'backoff'],
    [1006, 'backoff'],
  ])('%s → %s', (code, advice) => {
    expect(reconnectAdviceOf(code)).toBe(advice);
  });
});
