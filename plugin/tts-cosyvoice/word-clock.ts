/**
 * Maps DashScope word timings onto a task's audio clock. DashScope's documentation does not
 * say whether a sentence's word times count from the task's first sample or the sentence's;
 * 'auto' decides on the first sentence that starts well into the task's audio: a first word
 * that begins before half the sentence's own start offset must be sentence-relative.
 */
import type { TimedWord } from '../../server/src/core/types.ts';
import type { DashScopeWord } from './dashscope-protocol.ts';

export type WordTimeBase = 'auto' | 'task' | 'sentence';

const DETECT_AFTER_MS = 200;

export class WordClock {
  private base: 'task' | 'sentence' | undefined;

  constructor(base: WordTimeBase) {
    this.base = base === 'auto' ? undefined : base;
  }

  /** Word times on the task clock; `sentenceStartMs` is the task audio received before the sentence began. */
  toTaskMs(words: readonly DashScopeWord[], sentenceStartMs: number): TimedWord[] {
    const first = words[0];
    if (!this.base && first && sentenceStartMs >= DETECT_AFTER_MS) {
      this.base = first.begin_time < sentenceStartMs / 2 ? 'sentence' : 'task';
    }
    const offsetMs = this.base === 'sentence' ? sentenceStartMs : 0;
    return words.map((w) => ({
      text: w.text,
      startMs: Math.max(0, w.begin_time + offsetMs),
      endMs: Math.max(0, w.end_time + offsetMs),
    }));
  }
}
