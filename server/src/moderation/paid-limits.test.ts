/**
 * Issue 12: a paid readout is never dropped by the limits (duplicates, cooldown, per-user
 * cap), whatever `roles.paidBypass` says, and paid kinds count without an amount (a sub).
 */
import { describe, expect, it } from 'vitest';
import { cooldown } from './cooldown.ts';
import { dedupe } from './dedupe.ts';
import { chat, ruleHarness } from './rule-test-kit.ts';
import { userQueueCap } from './user-queue-cap.ts';

const noBypass = { roles: { paidBypass: false } };
const cheer = (text: string) => chat(text, { user: 'a', kind: 'bits', paidAmount: { value: 100, currency: 'bits' } });

describe('paid readouts and the limits', () => {
  it('a cheer repeating an earlier plain message is not a duplicate', () => {
    const h = ruleHarness({ ...noBypass, duplicates: { windowMs: 60_000, scope: 'user' }, cooldownMs: 0 });
    const out = h.run(dedupe, [chat('hello there', { user: 'a' }), cheer('hello there'), cheer('hello there')]);
    expect(out).toHaveLength(3);
    expect(h.drops).toEqual([]);
  });

  it('a paid message is not dropped by the cooldown, and a paid kind without an amount (a sub) counts', () => {
    const h = ruleHarness({ ...noBypass, cooldownMs: 60_000 });
    const out = h.run(cooldown, [chat('first', { user: 'a' }), cheer('paid'), chat('sub message', { user: 'a', kind: 'sub' })]);
    expect(out.map((e) => e.text)).toEqual(['first', 'paid', 'sub message']);
  });

  it('a paid message is not dropped by the per-user cap', () => {
    const h = ruleHarness({ ...noBypass, maxQueuedPerUser: 1 }, { a: 5 });
    expect(h.run(userQueueCap, [chat('plain', { user: 'a' }), cheer('paid')]).map((e) => e.text)).toEqual(['paid']);
  });
});
