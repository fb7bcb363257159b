import { describe, expect, it } from 'vitest';
import { roleGate } from './role-gate.ts';
import { chat, ruleHarness } from './rule-test-kit.ts';

const subsOnly = { roles: { allowed: ['subscriber' as const] } };

describe('roleGate', () => {
  it('subs only: viewers are dropped, subscribers pass, mods and the broadcaster bypass', () => {
    const h = ruleHarness(subsOnly);
    const out = h.run(roleGate, [
      chat('viewer', { roles: ['viewer'] }),
      chat('sub', { roles: ['subscriber', 'viewer'] }),
      chat('mod', { roles: ['moderator', 'viewer'] }),
      chat('owner', { roles: ['broadcaster', 'viewer'] }),
      chat('vip', { roles: ['vip', 'viewer'] }),
    ]);
    expect(out.map((e) => e.text)).toEqual(['sub', 'mod', 'owner']);
    expect(h.drops).toEqual([
      { reason: 'role', text: 'viewer', user: 'alice' },
      { reason: 'role', text: 'vip', user: 'alice' },
    ]);
  });

  it('paid messages bypass unless paidBypass is off', () => {
    const paid = chat('cheer', { roles: ['viewer'], paidAmount: { value: 100, currency: 'bits' } });
    expect(ruleHarness(subsOnly).run(roleGate, [paid])).toHaveLength(1);
    expect(ruleHarness({ roles: { allowed: ['subscriber'], paidBypass: false } }).run(roleGate, [paid])).toHaveLength(0);
  });

  it('users on the allow list bypass', () => {
    const h = ruleHarness({ ...subsOnly, users: { allow: ['Friend'] } });
    expect(h.run(roleGate, [chat('hi', { user: 'friend' })])).toHaveLength(1);
  });

  it('everyone passes by default', () => {
    expect(ruleHarness().run(roleGate, [chat('hi')])).toHaveLength(1);
  });
});
