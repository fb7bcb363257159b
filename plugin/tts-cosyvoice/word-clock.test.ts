import { describe, expect, it } from 'vitest';
import type { DashScopeWord } from './dashscope-protocol.ts';
import { dashscopeCharCount } from './text-limits.ts';
import { WordClock } from './word-clock.ts';

const word = (text: string, begin: number, end: number): DashScopeWord => ({ text, begin_index: 0, end_index: 1, begin_time: begin, end_time: end });

describe('WordClock', () => {
  it('auto-detects sentence-relative times and moves them onto the task clock', () => {
    const clock = new WordClock('auto');
    expect(clock.toTaskMs([word('a', 60, 200)], 0)).toEqual([{ text: 'a', startMs: 60, endMs: 200 }]);
    expect(clock.toTaskMs([word('b', 60, 200)], 1000)).toEqual([{ text: 'b', startMs: 1060, endMs: 1200 }]);
    expect(clock.toTaskMs([word('c', 50, 90)], 2000)).toEqual([{ text: 'c', startMs: 2050, endMs: 2090 }]);
  });

  it('auto-detects task-relative times and keeps them', () => {
    const clock = new WordClock('auto');
    expect(clock.toTaskMs([word('b', 1060, 1200)], 1000)).toEqual([{ text: 'b', startMs: 1060, endMs: 1200 }]);
  });

  it('can be told the base', () => {
    expect(new WordClock('sentence').toTaskMs([word('a', 10, 20)], 100)).toEqual([{ text: 'a', startMs: 110, endMs: 120 }]);
  });
});

describe('dashscopeCharCount', () => {
  it('counts Chinese characters twice and everything else once', () => {
    expect(dashscopeCharCount('你好')).toBe(4);
    expect(dashscopeCharCount('你好, ok!')).toBe(9);
  });
});
