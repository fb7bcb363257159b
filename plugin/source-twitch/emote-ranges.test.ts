import { describe, expect, it } from 'vitest';
import { removeEmoteRanges } from './emote-ranges.ts';

describe('removeEmoteRanges', () => {
  it('removes every range of every emote', () => {
    expect(removeEmoteRanges('Kappa Keepo Kappa hello', '25:0-4,12-16/1902:6-10')).toBe('hello');
  });

  it('counts positions in code points, so emoji before an emote do not shift it', () => {
    // "🦖 " is 2 code points but 3 UTF-16 units.
    expect(removeEmoteRanges('🦖 Kappa hi', '25:2-6')).toBe('🦖 hi');
    expect(removeEmoteRanges('𝚫𝑣 :) was here', '1:3-4')).toBe('𝚫𝑣 was here');
  });

  it('leaves text alone without an emotes tag and ignores malformed ranges', () => {
    expect(removeEmoteRanges('hi there', undefined)).toBe('hi there');
    expect(removeEmoteRanges('hi there', '')).toBe('hi there');
    expect(removeEmoteRanges('hi there', '25:x-y,5-2')).toBe('hi there');
  });
});
