import { describe, expect, it } from 'vitest';
import { denyUsers } from './deny-users.ts';
import { chat, ruleHarness } from './rule-test-kit.ts';

describe('denyUsers', () => {
  it('drops users on the deny list by name (case-insensitive) or id, and counts why', () => {
    const h = ruleHarness({ users: { deny: ['Troll', '666'] } });
    const out = h.run(denyUsers, [chat('a', { user: 'troll' }), chat('b', { user: 'x', userId: '666' }), chat('c', { user: 'bob' })]);
    expect(out.map((e) => e.text)).toEqual(['c']);
    expect(h.drops.map((d) => d.reason)).toEqual(['denied-user', 'denied-user']);
  });

  it('denies known chat bots by default', () => {
    const h = ruleHarness();
    expect(h.run(denyUsers, [chat('!commands', { user: 'Nightbot' }), chat('hi', { user: 'StreamElements' })])).toEqual([]);
  });
});
