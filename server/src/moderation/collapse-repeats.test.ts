import { describe, expect, it } from 'vitest';
import { collapseRepeats } from './collapse-repeats.ts';
import { chat, ruleHarness } from './rule-test-kit.ts';

const texts = (h: ReturnType<typeof ruleHarness>, input: string[]): string[] =>
  h.run(collapseRepeats, input.map((t) => chat(t))).map((e) => e.text);

describe('collapseRepeats', () => {
  it('cuts repeated characters, groups and emoji to maxCharRepeats', () => {
    expect(texts(ruleHarness(), ['loooooool', '哈哈哈哈哈哈哈哈', 'hahahahahaha', '😂😂😂😂😂😂', '!!!!!!!!', 'ok'])).toEqual([
      'loool',
      '哈哈哈',
      'hahaha',
      '😂😂😂',
      '!!!',
      'ok',
    ]);
  });

  it('cuts repeated words (any case) to maxWordRepeats', () => {
    expect(texts(ruleHarness(), ['lol LOL lol lol lol', 'gg gg', '冲 冲 冲 冲'])).toEqual(['lol lol', 'gg gg', '冲 冲']);
  });

  it('keeps digit runs: they are numbers', () => {
    expect(texts(ruleHarness(), ['1000000 bits', '2333333'])).toEqual(['1000000 bits', '2333333']);
  });

  it('follows the settings, or does nothing when disabled', () => {
    expect(texts(ruleHarness({ repeats: { maxCharRepeats: 1, maxWordRepeats: 1 } }), ['aaaa b b b'])).toEqual(['a b']);
    expect(texts(ruleHarness({ repeats: { enabled: false } }), ['aaaaaa'])).toEqual(['aaaaaa']);
  });
});
