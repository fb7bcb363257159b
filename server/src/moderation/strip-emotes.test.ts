import { describe, expect, it } from 'vitest';
import { chat, ruleHarness } from './rule-test-kit.ts';
import { stripEmotes } from './strip-emotes.ts';

const texts = (h: ReturnType<typeof ruleHarness>, input: string[]): string[] =>
  h.run(stripEmotes, input.map((t) => chat(t))).map((e) => e.text);

describe('stripEmotes', () => {
  it('removes configured emote words as whole words only', () => {
    const h = ruleHarness({ emotes: { words: ['KEKW', 'OMEGALUL'] } });
    expect(texts(h, ['KEKW that was funny OMEGALUL', 'KEKWait is not an emote', 'kekw lowercase stays'])).toEqual([
      'that was funny',
      'KEKWait is not an emote',
      'kekw lowercase stays',
    ]);
  });

  it('removes emoji, including skin tones, flags and ZWJ sequences, by default', () => {
    expect(texts(ruleHarness(), ['great 👍🏽 stream 🇨🇳 👨‍👩‍👧 😂😂', '数字 1 和 #1 保留'])).toEqual(['great stream', '数字 1 和 #1 保留']);
  });

  it('keeps emoji when stripEmoji is off', () => {
    expect(texts(ruleHarness({ emotes: { stripEmoji: false } }), ['great 👍'])).toEqual(['great 👍']);
  });
});
