import { describe, expect, it } from 'vitest';
import { bannedWords } from './banned-words.ts';
import { chat, ruleHarness } from './rule-test-kit.ts';

describe('bannedWords', () => {
  it('drops messages with a banned word, case-insensitively, zh and en', () => {
    const h = ruleHarness({ bannedWords: { words: ['darn', '笨蛋'] } });
    const out = h.run(bannedWords, [chat('DARN it'), chat('你是笨蛋吗'), chat('fine')]);
    expect(out.map((e) => e.text)).toEqual(['fine']);
    expect(h.drops.map((d) => [d.reason, d.text])).toEqual([
      ['banned-word', 'DARN it'],
      ['banned-word', '你是笨蛋吗'],
    ]);
  });

  it('matches Latin words as whole words only', () => {
    const h = ruleHarness({ bannedWords: { words: ['ass'] } });
    expect(h.run(bannedWords, [chat('first class pass'), chat('ass!')]).map((e) => e.text)).toEqual(['first class pass']);
  });

  it('bleeps instead of dropping when configured, per language', () => {
    const h = ruleHarness({ bannedWords: { words: ['darn', '笨蛋', 'Multi Word'], action: 'bleep' } });
    const out = h.run(bannedWords, [chat('darn it, multi word!'), chat('你这个笨蛋'), chat('你 darn')]);
    expect(out.map((e) => e.text)).toEqual(['beep it, beep!', '你这个哔', '你 哔']);
    expect(h.drops).toEqual([]);
  });

  it('treats regex characters in words literally', () => {
    const h = ruleHarness({ bannedWords: { words: ['a.b'] } });
    expect(h.run(bannedWords, [chat('axb'), chat('a.b')]).map((e) => e.text)).toEqual(['axb']);
  });

  it('passes everything with no banned words', () => {
    expect(ruleHarness().run(bannedWords, [chat('anything')])).toHaveLength(1);
  });
});
