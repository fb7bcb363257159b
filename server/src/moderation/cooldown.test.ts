import { describe, expect, it } from 'vitest';
import { cooldown } from './cooldown.ts';
import { chat, ruleHarness } from './rule-test-kit.ts';

describe('cooldown', () => {
  it('lets one readout per user through per cooldown window', () => {
    const h = ruleHarness({ cooldownMs: 5_000 });
    const live = h.open(cooldown);
    live.push(chat('1'));
    live.push(chat('2'));
    live.push(chat('other user', { user: 'bob' }));
    h.advanceMs(5_000);
    live.push(chat('3'));
    expect(live.out.map((e) => e.text)).toEqual(['1', 'other user', '3']);
    expect(h.drops).toEqual([{ reason: 'cooldown', text: '2', user: 'alice' }]);
  });

  it('masked names (Bilibili without login): keyed by id when there is one, not limited as one user when there is none', () => {
    const h = ruleHarness({ cooldownMs: 5_000 });
    const masked = { user: '提***', source: 'bilibili' as const, maskedName: true };
    const out = h.run(cooldown, [
      chat('a', { ...masked, userId: 'hash:e040a292' }),
      chat('b', { ...masked, userId: 'hash:998a531f' }),
      chat('c', { ...masked, userId: 'hash:e040a292' }),
      chat('d', masked),
      chat('e', masked),
    ]);
    expect(out.map((e) => e.text)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('keys users by platform id when there is one, per source', () => {
    const h = ruleHarness({ cooldownMs: 5_000 });
    const out = h.run(cooldown, [
      chat('a', { user: 'Name1', userId: '7' }),
      chat('b', { user: 'Renamed', userId: '7' }),
      chat('c', { user: 'Name1', userId: '7', source: 'bilibili' }),
    ]);
    expect(out.map((e) => e.text)).toEqual(['a', 'c']);
  });

  it('exempts mods and paid messages', () => {
    const h = ruleHarness({ cooldownMs: 5_000 });
    const out = h.run(cooldown, [
      chat('m1', { roles: ['moderator'] }),
      chat('m2', { roles: ['moderator'] }),
      chat('v1'),
      chat('paid', { paidAmount: { value: 30, currency: 'CNY' } }),
    ]);
    expect(out.map((e) => e.text)).toEqual(['m1', 'm2', 'v1', 'paid']);
  });

  it('applies a changed setting at once, and 0 turns it off', () => {
    const h = ruleHarness({ cooldownMs: 60_000 });
    const live = h.open(cooldown);
    live.push(chat('1'));
    h.advanceMs(2_000);
    h.setSettings({ cooldownMs: 1_000 });
    live.push(chat('2'));
    h.setSettings({ cooldownMs: 0 });
    live.push(chat('3'));
    expect(live.out.map((e) => e.text)).toEqual(['1', '2', '3']);
  });
});
