import { describe, expect, it } from 'vitest';
import { cutToBudget, estimateSpokenSeconds } from './speech-duration.ts';

const rates = { zhCharsPerSecond: 4.5, enWordsPerSecond: 2.7 };

describe('estimateSpokenSeconds', () => {
  it('counts Chinese characters at 4.5/s and English words at 2.7/s', () => {
    expect(estimateSpokenSeconds('大家好大家好大家好', rates)).toBeCloseTo(2);
    expect(estimateSpokenSeconds('one two three', rates)).toBeCloseTo(3 / 2.7);
    expect(estimateSpokenSeconds('我爱 TypeScript 和 Node', rates)).toBeCloseTo(3 / 4.5 + 2 / 2.7);
    expect(estimateSpokenSeconds('!!! ...', rates)).toBe(0);
  });
});

describe('cutToBudget', () => {
  it('leaves text within both budgets alone', () => {
    expect(cutToBudget('hello there', 200, 20, rates)).toBe('hello there');
  });

  it('cuts English at a word boundary by characters', () => {
    expect(cutToBudget('the quick brown fox jumps', 12, 100, rates)).toBe('the quick');
  });

  it('cuts English at a word boundary by seconds', () => {
    // 2.7 words per second: 2 s fits 5 words
    expect(cutToBudget('one two three four five six seven eight', 1_000, 2, rates)).toBe('one two three four five');
  });

  it('cuts Chinese at a word boundary by seconds', () => {
    const text = '今天天气很好我们一起去公园散步吧然后去吃饭';
    const cut = cutToBudget(text, 1_000, 2, rates);
    expect(text.startsWith(cut)).toBe(true);
    expect(estimateSpokenSeconds(cut, rates)).toBeLessThanOrEqual(2);
    expect(Array.from(cut).length).toBeGreaterThanOrEqual(7);
  });

  it('cuts Chinese after a nearby punctuation mark or space rather than mid-clause', () => {
    expect(cutToBudget('大家好，我们今天一起去公园散步', 1_000, 1, rates)).toBe('大家好，');
    expect(cutToBudget('大家好 我们今天一起去公园散步', 1_000, 1, rates)).toBe('大家好');
  });

  it('counts the character cap in code points', () => {
    expect(cutToBudget('😀😀😀 ab', 4, 100, rates)).toBe('😀😀😀');
  });

  it('hard-cuts a single token longer than the cap', () => {
    expect(cutToBudget('a'.repeat(50), 10, 100, rates)).toBe('a'.repeat(10));
  });
});
