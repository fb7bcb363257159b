import { describe, expect, it } from 'vitest';
import { subtitleTimestamp } from './subtitle-files.ts';

describe('subtitleTimestamp', () => {
  it('writes HH:MM:SS and milliseconds with the format’s separator, rounded, never negative', () => {
    expect(subtitleTimestamp(0, ',')).toBe('00:00:00,000');
    expect(subtitleTimestamp(3_723_004.4, ',')).toBe('01:02:03,004');
    expect(subtitleTimestamp(59_999.5, '.')).toBe('00:01:00.000');
    expect(subtitleTimestamp(100 * 3_600_000, '.')).toBe('100:00:00.000');
    expect(subtitleTimestamp(-3, '.')).toBe('00:00:00.000');
  });
});
