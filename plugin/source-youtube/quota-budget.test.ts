import { describe, expect, it } from 'vitest';
import { QuotaBudget } from './quota-budget.ts';

describe('QuotaBudget', () => {
  it('spends the documented costs and floors the poll interval so the quota lasts the stream', () => {
    let now = Date.parse('2024-05-01T20:00:00Z'); // 13:00 Pacific (PDT)
    const budget = new QuotaBudget(10_000, 4, () => now);
    budget.spend('search.list');
    budget.spend('videos.list');
    budget.spend('liveChatMessages.list');
    expect(budget.usedUnits()).toBe(106);
    // 5 units × 4 h ÷ 10,000 units = one poll every 7.2 s.
    expect(budget.pollFloorMs()).toBe(7_200);
    expect(budget.lastsMs(7_200)).toBe(Math.floor(9_894 / 5) * 7_200);
    // Midnight Pacific is 11 h away, and resets the count.
    expect(budget.msUntilReset()).toBe(11 * 3_600_000);
    now = Date.parse('2024-05-02T07:00:01Z');
    expect(budget.usedUnits()).toBe(0);
  });
});
