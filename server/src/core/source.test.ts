import { EMPTY } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { ingestRoutes, MinuteRate, triggeredChatText, type CaptionSource } from './source.ts';

describe('triggeredChatText', () => {
  const command = { commandPrefix: '!tts', allMessages: false };

  it('strips a matching command prefix (any case) followed by a space', () => {
    expect(triggeredChatText('!tts hello', command)).toBe('hello');
    expect(triggeredChatText('!TTS   hello  ', command)).toBe('hello');
  });

  it('does not trigger on other messages, a longer word, or an empty command', () => {
    expect(triggeredChatText('hello', command)).toBeUndefined();
    expect(triggeredChatText('!ttsx hello', command)).toBeUndefined();
    expect(triggeredChatText('!tts', command)).toBeUndefined();
    expect(triggeredChatText('!tts   ', command)).toBeUndefined();
  });

  it('passes every message when allMessages is on, still stripping the prefix', () => {
    const all = { commandPrefix: '!tts', allMessages: true };
    expect(triggeredChatText('hello', all)).toBe('hello');
    expect(triggeredChatText('!tts hello', all)).toBe('hello');
    expect(triggeredChatText('hi', { commandPrefix: null, allMessages: true })).toBe('hi');
  });
});

describe('MinuteRate', () => {
  it('counts events of the last 60 seconds only', () => {
    let now = 0;
    const rate = new MinuteRate(() => now);
    rate.record();
    now = 30_000;
    rate.record();
    rate.record();
    expect(rate.perMinute()).toBe(3);
    now = 60_500;
    expect(rate.perMinute()).toBe(2);
    now = 200_000;
    expect(rate.perMinute()).toBe(0);
    rate.record();
    expect(rate.perMinute()).toBe(1);
  });
});

describe('ingestRoutes', () => {
  const source = (name: string, upgrade?: CaptionSource['upgrade']): CaptionSource => ({
    name,
    events$: EMPTY,
    status: () => ({ connected: false, messagesPerMin: 0 }),
    start: () => undefined,
    stop: async () => undefined,
    ...(upgrade === undefined ? {} : { upgrade }),
  });

  it('routes each upgrade path to its source and leaves sources without one out', () => {
    const asr = source('asr', { path: '/ingest/asr', handleUpgrade: vi.fn() });
    const routes = ingestRoutes([source('twitch'), asr]);
    expect(Object.keys(routes.upgrades)).toEqual(['/ingest/asr']);
    expect(routes.streams).toEqual({});
    const head = Buffer.alloc(0);
    routes.upgrades['/ingest/asr']!({} as never, {} as never, head);
    expect(asr.upgrade!.handleUpgrade).toHaveBeenCalledWith({}, {}, head);
  });

  it('routes a streamed POST to the source that takes one, on the same path as its upgrades', () => {
    const speech = source('speech', { path: '/ingest/audio', handleUpgrade: vi.fn(), handleStream: vi.fn() });
    const routes = ingestRoutes([source('asr', { path: '/ingest/asr', handleUpgrade: vi.fn() }), speech]);
    expect(Object.keys(routes.upgrades)).toEqual(['/ingest/asr', '/ingest/audio']);
    expect(Object.keys(routes.streams)).toEqual(['/ingest/audio']);
    routes.streams['/ingest/audio']!({} as never, {} as never);
    expect(speech.upgrade!.handleStream).toHaveBeenCalledWith({}, {});
  });
});
