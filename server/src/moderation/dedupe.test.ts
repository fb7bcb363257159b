import { describe, expect, it } from 'vitest';
import { dedupe } from './dedupe.ts';
import { chat, ruleHarness } from './rule-test-kit.ts';

describe('dedupe', () => {
  it('drops copypasta from anyone within the window, ignoring case, spaces and punctuation', () => {
    const h = ruleHarness({ duplicates: { windowMs: 10_000 } });
    const live = h.open(dedupe);
    live.push(chat('Hello World!', { user: 'a' }));
    live.push(chat('hello   world', { user: 'b' }));
    live.push(chat('hello world?', { user: 'c' }));
    h.advanceMs(10_000);
    live.push(chat('HELLO WORLD', { user: 'd' }));
    expect(live.out.map((e) => e.user)).toEqual(['a', 'd']);
    expect(h.drops.map((d) => [d.reason, d.user])).toEqual([
      ['duplicate', 'b'],
      ['duplicate', 'c'],
    ]);
  });

  it("scope 'user' only drops one user's own repeats", () => {
    const h = ruleHarness({ duplicates: { windowMs: 10_000, scope: 'user' } });
    const out = h.run(dedupe, [chat('same', { user: 'a' }), chat('same', { user: 'b' }), chat('same', { user: 'a' })]);
    expect(out.map((e) => e.user)).toEqual(['a', 'b']);
  });

  it('exempts privileged users, skips texts with no words, and 0 turns it off', () => {
    expect(ruleHarness().run(dedupe, [chat('x', { roles: ['broadcaster'] }), chat('x', { roles: ['broadcaster'] })])).toHaveLength(2);
    expect(ruleHarness().run(dedupe, [chat('!!!'), chat('???')])).toHaveLength(2);
    expect(ruleHarness({ duplicates: { windowMs: 0 } }).run(dedupe, [chat('x'), chat('x')])).toHaveLength(2);
  });

  it('keeps memory bounded under a flood of distinct texts', () => {
    const h = ruleHarness();
    const live = h.open(dedupe);
    for (let i = 0; i < 5_000; i++) live.push(chat(`message ${i}`, { user: `u${i}` }));
    expect(live.out).toHaveLength(5_000);
    // maxTrackedKeys is 100 in the harness: the oldest texts were forgotten
    live.push(chat('message 0', { user: 'late' }));
    expect(live.out).toHaveLength(5_001);
  });
});
