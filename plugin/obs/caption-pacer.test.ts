import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import type { TimedWord } from '../../server/src/core/types.ts';
import { pacedCaptions, type CaptionPacerOptions } from './caption-pacer.ts';
import type { ReadoutEvent } from './readout-events.ts';

const words = (id: string, texts: string[], firstStartMs = 0): ReadoutEvent => ({
  type: 'words',
  id,
  words: texts.map((text, i): TimedWord => ({ text: ` ${text}`, startMs: firstStartMs + i * 100, endMs: firstStartMs + i * 100 + 100 })),
});
const start = (id: string): ReadoutEvent => ({ type: 'start', id });
const stop = (id: string): ReadoutEvent => ({ type: 'stop', id });

const SENTENCE = 'The quick brown fox jumps over the lazy dog and keeps running'.split(' ');
const LINE_1 = { id: 'u1', text: 'The quick brown fox jumps over' }; // words 0-5, starts at 0 ms
const LINE_2 = { id: 'u1', text: 'the lazy dog and keeps running' }; // words 6-11, starts at 600 ms
const CLEAR = { id: 'u1', text: '' };

function expectPaced(events: string, values: Record<string, ReadoutEvent>, expected: string, lines: object, options: Partial<CaptionPacerOptions> = {}): void {
  const scheduler = new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted));
  scheduler.run(({ hot, expectObservable }) => {
    const readout$ = hot<ReadoutEvent>(events, values);
    expectObservable(pacedCaptions(readout$, { scheduler, maxWords: 2_000, maxTracked: 8, ...options })).toBe(expected, lines);
  });
}

describe('pacedCaptions', () => {
  it('emits each line when the utterance clock reaches its first word, then clears on stop', () => {
    expectPaced(
      'a 49ms b 1449ms c',
      { a: words('u1', SENTENCE), b: start('u1'), c: stop('u1') },
      '50ms x 599ms y 849ms z',
      { x: LINE_1, y: LINE_2, z: CLEAR },
    );
  });

  it('emits overdue lines at once when cues arrive after playback started', () => {
    expectPaced('a 299ms b', { a: start('u1'), b: words('u1', SENTENCE) }, '300ms x 299ms y', { x: LINE_1, y: LINE_2 });
  });

  it('seals a line when it is shown: later words start the next line', () => {
    expectPaced(
      'a b 8ms c',
      { a: words('u1', ['Hello', 'world']), b: start('u1'), c: words('u1', ['again', 'friends'], 200) },
      '- x 199ms y',
      { x: { id: 'u1', text: 'Hello world' }, y: { id: 'u1', text: 'again friends' } },
    );
  });

  it('drops pending lines on stop and clears nothing that was never shown', () => {
    expectPaced('a b 299ms c 999ms d', { a: words('u1', SENTENCE, 500), b: start('u1'), c: stop('u1'), d: start('u1') }, '', {});
  });

  it('sends every line and the clear delayMs later, and holds the last line clearAfterMs past the end', () => {
    expectPaced(
      'a b 1299ms c',
      { a: words('u1', SENTENCE), b: start('u1'), c: stop('u1') },
      '- 500ms x 599ms y 1299ms z',
      { x: LINE_1, y: LINE_2, z: CLEAR },
      { delayMs: () => 500, clearAfterMs: 600 },
    );
  });

  it('still shows the delayed lines of words heard before a stop, not those never heard', () => {
    const texts = ['a'.repeat(20), 'b'.repeat(20), 'c'.repeat(20)]; // one line each, at 0, 100 and 200 ms
    expectPaced(
      'a b 149ms c',
      { a: words('u1', texts), b: start('u1'), c: stop('u1') },
      '- 1000ms x 99ms y 49ms z',
      { x: { id: 'u1', text: texts[0] }, y: { id: 'u1', text: texts[1] }, z: CLEAR },
      { delayMs: () => 1_000 },
    );
  });

  it('does not clear a line another readout has shown since', () => {
    expectPaced(
      'a b 99ms c d 49ms e',
      { a: words('u1', ['one']), b: start('u1'), c: stop('u1'), d: words('u2', ['two']), e: start('u2') },
      '- x 150ms y',
      { x: { id: 'u1', text: 'one' }, y: { id: 'u2', text: 'two' } },
      { clearAfterMs: 500 },
    );
  });

  it('keeps words for a bounded number of readouts that have not started', () => {
    expectPaced(
      'a b c d e',
      { a: words('u1', ['one']), b: words('u2', ['two']), c: words('u3', ['three']), d: start('u1'), e: start('u3') },
      '4ms y',
      { y: { id: 'u3', text: 'three' } },
      { maxTracked: 2 },
    );
  });
});
