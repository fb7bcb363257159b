import { describe, expect, it } from 'vitest';
import { MinuteRate, triggeredChatText } from './source.ts';

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
