import { describe, expect, it } from 'vitest';
import { chat, ruleHarness } from './rule-test-kit.ts';
import { userQueueCap } from './user-queue-cap.ts';

describe('userQueueCap', () => {
  it('drops a user who already has maxQueuedPerUser readouts waiting', () => {
    const h = ruleHarness({ maxQueuedPerUser: 2 }, { hog: 2, calm: 1 });
    const out = h.run(userQueueCap, [chat('x', { user: 'hog' }), chat('y', { user: 'calm' })]);
    expect(out.map((e) => e.user)).toEqual(['calm']);
    expect(h.drops).toEqual([{ reason: 'user-queue-full', text: 'x', user: 'hog' }]);
  });

  it('exempts privileged users and 0 means no limit', () => {
    expect(ruleHarness({ maxQueuedPerUser: 1 }, { alice: 5 }).run(userQueueCap, [chat('m', { roles: ['moderator'] })])).toHaveLength(1);
    expect(ruleHarness({ maxQueuedPerUser: 0 }, { alice: 99 }).run(userQueueCap, [chat('x')])).toHaveLength(1);
  });
});
