import { describe, expect, it } from 'vitest';
import { currentWordIndex, joinWords, layoutWords, mergeWords, needsSpace, pageRange } from './word-layout.ts';

const w = (text: string, startMs: number, endMs = startMs + 100) => ({ text, startMs, endMs });
const render = (segs: ReturnType<typeof layoutWords>) =>
  segs.map((s) => (s.kind === 'word' ? `[${s.text}]` : s.text)).join('');

describe('word joining', () => {
  it('puts spaces only between space-separated words', () => {
    expect(joinWords(['Hello', 'world'])).toBe('Hello world');
    expect(joinWords(['你好', '世界'])).toBe('你好世界');
    expect(joinWords(['我', '爱', 'TypeScript', '和', 'Node', 'js'])).toBe('我爱TypeScript和Node js');
    expect(joinWords(['Hello', ',', 'world', '!'])).toBe('Hello, world!');
    expect(joinWords(['你好', '，', '世界'])).toBe('你好，世界');
    expect(needsSpace('3', 'apples')).toBe(true);
    expect(needsSpace('好', 'ok')).toBe(false);
  });
});

describe('layoutWords', () => {
  it('keeps the original punctuation and spacing when cues align with the text', () => {
    const segs = layoutWords('Hello, world! 你好世界。', [w('Hello', 0), w('world', 100), w('你好', 200), w('世界', 300)]);
    expect(render(segs)).toBe('[Hello], [world]! [你好][世界]。');
  });

  it('shows text not yet cued as an upcoming tail', () => {
    const segs = layoutWords('one two three', [w('one', 0)]);
    expect(render(segs)).toBe('[one] two three');
    expect(segs.at(-1)).toEqual({ kind: 'tail', text: ' two three' });
  });

  it('falls back to the join rule when cue words differ from the text', () => {
    const segs = layoutWords('1 + 1 = 2', [w('one', 0), w('plus', 100), w('one', 200), w('equals', 300), w('two', 400)]);
    expect(render(segs)).toBe('[one] [plus] [one] [equals] [two]');
  });

  it('shows the whole text before any cue arrives', () => {
    expect(layoutWords('<img src=x>', [])).toEqual([{ kind: 'tail', text: '<img src=x>' }]);
  });
});

describe('word timing helpers', () => {
  it('finds the current word on the audio clock', () => {
    const words = [w('a', 0, 100), w('b', 150, 250), w('c', 250, 400)];
    expect(currentWordIndex(words, -5)).toBe(-1);
    expect(currentWordIndex(words, 50)).toBe(0);
    expect(currentWordIndex(words, 120)).toBe(0); // pause: stays on the last started word
    expect(currentWordIndex(words, 260)).toBe(2);
  });

  it('merges cue batches in time order without duplicates', () => {
    const merged = mergeWords([w('a', 0), w('b', 100)], [w('b', 100), w('c', 200)]);
    expect(merged.map((x) => x.text)).toEqual(['a', 'b', 'c']);
    expect(mergeWords([w('c', 200)], [w('a', 0)]).map((x) => x.text)).toEqual(['a', 'c']);
  });

  it('pages long captions', () => {
    expect(pageRange(10, 3, 0)).toEqual([0, 10]);
    expect(pageRange(10, -1, 4)).toEqual([0, 4]);
    expect(pageRange(10, 5, 4)).toEqual([4, 8]);
    expect(pageRange(10, 9, 4)).toEqual([8, 10]);
  });
});
