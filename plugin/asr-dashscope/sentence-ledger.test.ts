import { describe, expect, it } from 'vitest';
import { type SessionSentence, SentenceLedger } from './sentence-ledger.ts';

const sentence = (over: Partial<SessionSentence>): SessionSentence => ({
  taskId: 't1',
  key: undefined,
  final: false,
  text: '你好',
  startMs: 0,
  endMs: 500,
  words: [],
  translations: [],
  ...over,
});

describe('SentenceLedger', () => {
  it('keeps one id from the first partial to the final, then starts the next', () => {
    const ledger = new SentenceLedger(200);
    expect(ledger.accept(sentence({}))).toMatchObject({ kind: 'partial', sentenceId: 's1' });
    expect(ledger.accept(sentence({ final: true, text: '你好。', endMs: 600 }))).toMatchObject({ kind: 'final', sentenceId: 's1' });
    expect(ledger.accept(sentence({ startMs: 900, endMs: 1200, text: '世界' }))).toMatchObject({ sentenceId: 's2' });
  });

  it('continues the open sentence in the next task after a switch', () => {
    const ledger = new SentenceLedger(200);
    ledger.accept(sentence({}));
    ledger.taskSwitched();
    expect(ledger.accept(sentence({ taskId: 't2', text: '你好世界' }))).toMatchObject({ sentenceId: 's1' });
  });

  it('suppresses a final recognized twice after a replay, and ignores its partials', () => {
    const ledger = new SentenceLedger(200);
    ledger.accept(sentence({ final: true, text: '你好。', startMs: 0, endMs: 600 }));
    ledger.taskSwitched();
    // The new task heard the tail of the same audio again (times a little off).
    expect(ledger.accept(sentence({ taskId: 't2', startMs: 300, endMs: 700, text: '好' }))).toBeUndefined();
    expect(ledger.accept(sentence({ taskId: 't2', final: true, startMs: 300, endMs: 700, text: '好。' }))).toBe('duplicate');
    expect(ledger.accept(sentence({ taskId: 't2', final: true, startMs: 100, endMs: 900, text: '你好。' }))).toBe('duplicate');
    expect(ledger.accept(sentence({ taskId: 't2', final: true, startMs: 1000, endMs: 1500, text: '再见。' }))).toMatchObject({ sentenceId: 's2' });
  });

  it('starts a new id when the same task moves on to another sentence id without a final', () => {
    const ledger = new SentenceLedger(200);
    ledger.accept(sentence({ key: 'i1' }));
    expect(ledger.accept(sentence({ key: 'i2', startMs: 2000, endMs: 2500, text: '世界' }))).toMatchObject({ sentenceId: 's2' });
  });

  it('keeps the id of a Paraformer sentence (no sentence_id) whose partials move their begin time', () => {
    const ledger = new SentenceLedger(200);
    ledger.accept(sentence({ startMs: 120 }));
    expect(ledger.accept(sentence({ startMs: 170, endMs: 800, text: '你好世' }))).toMatchObject({ sentenceId: 's1' });
  });
});
