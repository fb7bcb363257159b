import { describe, expect, it } from 'vitest';
import { chat, ruleHarness } from './rule-test-kit.ts';
import { spokenNames } from './spoken-names.ts';

describe('spokenNames', () => {
  it('sets spokenName from the overrides (case-insensitive), else the user name', () => {
    const h = ruleHarness({ users: { spokenNames: { xX_Sniper_Xx: 'Sniper', 小明: '明明' } } });
    const out = h.run(spokenNames, [chat('hi', { user: 'xx_sniper_xx' }), chat('hi', { user: 'bob' })]);
    expect(out.map((e) => e.spokenName)).toEqual(['Sniper', 'bob']);
  });

  it('reads @mentions with the override and without the @', () => {
    const h = ruleHarness({ users: { spokenNames: { xX_Sniper_Xx: 'Sniper' } } });
    expect(h.run(spokenNames, [chat('@xx_sniper_xx nice shot, @bob')])[0]!.text).toBe('Sniper nice shot, bob');
  });
});
