import { EMPTY } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { MinuteRate, triggeredChatText, upgradeRoutes, type CaptionSource } from './source.ts';

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

describe('upgradeRoutes', () => {
  const source = (name: string, path?: string): CaptionSource => ({
    name,
    events$: EMPTY,
    status: () => ({ connected: false, messagesPerMin: 0 }),
    start: () => undefined,
    stop: async () => undefined,
    ...(path === undefined ? {} : { upgrade: { path, handleUpgrade: vi.fn() } }),
  });

  it('routes each upgrade path to its source and leaves sources without one out', () => {
    const asr = source('asr', '/ingest/asr');
    const routes = upgradeRoutes([source('twitch'), asr]);
    expect(Object.keys(routes)).toEqual(['/ingest/asr']);
    const head = Buffer.alloc(0);
    routes['/ingest/asr']!({} as never, {} as never, head);
    expect(asr.upgrade!.handleUpgrade).toHaveBeenCalledWith({}, {}, head);
  });
});
