import { describe, expect, it } from 'vitest';
import { capLength } from './cap-length.ts';
import { chat, ruleHarness } from './rule-test-kit.ts';

describe('capLength', () => {
  it('applies the character cap', () => {
    const h = ruleHarness({ length: { maxChars: 10 } });
    expect(h.run(capLength, [chat('hello wonderful world')])[0]!.text).toBe('hello');
  });

  it('applies the spoken-seconds cap', () => {
    const h = ruleHarness({ length: { maxSpokenSeconds: 1 } });
    expect(h.run(capLength, [chat('one two three four five')])[0]!.text).toBe('one two');
  });

  it('never drops, and uses the speech rates from the settings', () => {
    const h = ruleHarness({ length: { maxSpokenSeconds: 1, enWordsPerSecond: 4 } });
    expect(h.run(capLength, [chat('one two three four five')])[0]!.text).toBe('one two three four');
    expect(h.drops).toEqual([]);
  });
});
