import { describe, expect, it } from 'vitest';
import { currentWordIndex, layoutWords, mergeWords, pageRange, pageSegments, splitGap, type Segment } from './word-layout.ts';

const w = (text: string, startMs: number, endMs = startMs + 100) => ({ text, startMs, endMs });

/** `[word]`, `{words 1-3}` for a token several cue words stand for, `~tail~`, gaps as is. */
const render = (segs: Segment[]) =>
  segs.map((s) => (s.kind === 'word' ? (s.index === s.last ? `[${s.text}]` : `{${s.text} ${s.index}-${s.last}}`) : s.kind === 'tail' ? `~${s.text}~` : s.text)).join('');
const words = (...texts: string[]) => texts.map((t, i) => w(t, i * 100));

describe('layoutWords', () => {
  it('keeps the original punctuation and spacing when cues align with the text', () => {
    const segs = layoutWords('Hello, world! 你好世界。', [w('Hello', 0), w('world', 100), w('你好', 200), w('世界', 300)]);
    expect(render(segs)).toBe('[Hello], [world]! [你好][世界]。');
  });

  it('shows the symbols before the first spoken word (chat: hearts, mentions, numbers)', () => {
    expect(render(layoutWords('<3 love this stream', words('3', 'love', 'this', 'stream')))).toBe('<[3] [love] [this] [stream]');
    expect(render(layoutWords('<3 love this stream', words('love', 'this', 'stream')))).toBe('<3 [love] [this] [stream]');
    expect(render(layoutWords('@streamer hi', words('streamer', 'hi')))).toBe('@[streamer] [hi]');
    expect(render(layoutWords('#1 fan', words('1', 'fan')))).toBe('#[1] [fan]');
    expect(render(layoutWords('"quoted" text', words('quoted', 'text')))).toBe('"[quoted]" [text]');
    expect(render(layoutWords('「你好」世界！', words('你好', '世界')))).toBe('「[你好]」[世界]！');
  });

  it('keeps emoji, trailing punctuation and text the engine skipped in the middle, unhighlighted', () => {
    expect(render(layoutWords('gg 😀 wp!!', words('gg', 'wp')))).toBe('[gg] 😀 [wp]!!');
    expect(render(layoutWords('love <3 you', words('love', 'you')))).toBe('[love] <3 [you]');
    expect(render(layoutWords('see https://x.io/a?b=1 now', words('see', 'now')))).toBe('[see] https://x.io/a?b=1 [now]');
    expect(render(layoutWords('好的，谢谢。', words('好的', '谢谢')))).toBe('[好的]，[谢谢]。');
  });

  it('matches cue words regardless of case', () => {
    expect(render(layoutWords('HELLO There', words('hello', 'there')))).toBe('[HELLO] [There]');
  });

  it('highlights what was written for words the engine said differently', () => {
    expect(render(layoutWords('I have 2 cats', words('I', 'have', 'two', 'cats')))).toBe('[I] [have] [2] [cats]');
    expect(render(layoutWords('#1 fan', words('number', 'one', 'fan')))).toBe('{#1 0-1} [fan]');
    expect(render(layoutWords('1 + 1 = 2', words('one', 'plus', 'one', 'equals', 'two')))).toBe('[1] [+] [1] [=] [2]');
    expect(render(layoutWords('我有2只猫', words('我', '有', '两', '只', '猫')))).toBe('[我][有][2][只][猫]');
    // "two" is not the "two" later in the text: the next cue word comes first.
    expect(render(layoutWords('2 cats and two dogs', words('two', 'cats', 'and', 'two', 'dogs')))).toBe('[2] [cats] [and] [two] [dogs]');
  });

  it('shows text not yet cued as an upcoming tail', () => {
    const segs = layoutWords('one two three', [w('one', 0)]);
    expect(render(segs)).toBe('[one]~ two three~');
    expect(render(layoutWords('I have 2 cats and dogs', words('I', 'have', 'two')))).toBe('[I] [have] [2]~ cats and dogs~');
  });

  it('shows the whole text before any cue arrives', () => {
    expect(layoutWords('<img src=x>', [])).toEqual([{ kind: 'tail', text: '<img src=x>' }]);
  });

  it('gives an extra cue word no text and still shows the whole text', () => {
    expect(render(layoutWords('hi there', words('hi', 'uh', 'there')))).toBe('[hi][] [there]');
  });
});

describe('pages', () => {
  const text = '<3 "one", two; three (four)!';
  const cues = words('3', 'one', 'two', 'three', 'four');
  const page = (range: [number, number]) => render(pageSegments(layoutWords(text, cues), cues.length, range));

  it('keeps everything before the first word on the first page, and each edge gap with its own word', () => {
    expect(page([0, 2])).toBe('<[3] "[one]",');
    expect(page([2, 4])).toBe('[two]; [three]');
    expect(page([4, 5])).toBe('([four])!');
    expect(page([0, 5])).toBe(text.replace(/(3|one|two|three|four)/gu, '[$1]'));
  });

  it('splits a gap at its spaces, else before an opening symbol', () => {
    expect(splitGap('", "')).toEqual(['",', '"']);
    expect(splitGap('，')).toEqual(['，', '']);
    expect(splitGap('」「')).toEqual(['」', '「']);
    expect(splitGap(' ')).toEqual(['', '']);
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
