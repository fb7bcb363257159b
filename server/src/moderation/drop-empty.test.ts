import { describe, expect, it } from 'vitest';
import { dropEmpty } from './drop-empty.ts';
import { chat, ruleHarness } from './rule-test-kit.ts';

describe('dropEmpty', () => {
  it('drops messages without a letter or digit', () => {
    const h = ruleHarness();
    const out = h.run(dropEmpty, [chat(''), chat('!!! ???'), chat('😂'), chat('1'), chat('好')]);
    expect(out.map((e) => e.text)).toEqual(['1', '好']);
    expect(h.drops.map((d) => d.reason)).toEqual(['empty', 'empty', 'empty']);
  });
});
