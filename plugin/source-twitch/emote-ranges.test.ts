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

describe('removeEmoteRanges with wrong positions (issue 12)', () => {
  it('an off-by-one range removes the whole emote, not all but its first letter', () => {
    expect(removeEmoteRanges('Kappa', '25:1-5')).toBe('');
    expect(removeEmoteRanges('hi Kappa there', '25:4-8')).toBe('hi there');
  });

  it('ranges of one emote must all cover the same whole word, else the name is removed everywhere', () => {
    expect(removeEmoteRanges('Kappa x Kappa', '25:0-4,9-13')).toBe('x');
  });

  it('removes nothing when no word of the range length is in the message', () => {
    expect(removeEmoteRanges('hello', '25:1-2')).toBe('hello');
  });
});
