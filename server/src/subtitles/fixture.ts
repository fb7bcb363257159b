/** A small history for the format tests: two aligned readouts, one without words, one skipped. */
import type { HistoryEntry } from '../core/history.ts';
import type { TimedWord } from '../core/types.ts';

function entry(id: string, text: string, fields: Partial<HistoryEntry>): HistoryEntry {
  return { id, text, user: 'viewer', source: 'http', priority: 0, receivedAtMs: 0, state: 'played', updatedAtMs: 0, words: [], ...fields };
}

function words(...spec: [string, number, number][]): TimedWord[] {
  return spec.map(([text, startMs, endMs]) => ({ text, startMs, endMs }));
}

export const HISTORY_FIXTURE: HistoryEntry[] = [
  // Listed out of time order on purpose.
  entry('zh', '你好，欢迎来到直播间！', {
    playedAtMs: 22_600,
    durationMs: 2_600,
    words: words(['你好', 0, 653], ['欢迎', 653, 1_262], ['来', 1_262, 1_447], ['到', 1_447, 1_644], ['直', 1_644, 1_914], ['播', 1_914, 2_117], ['间', 2_117, 2_468]),
  }),
  entry('en', 'Thanks for the follow, and welcome to the stream everyone!', {
    playedAtMs: 12_900,
    durationMs: 2_900,
    words: words(
      ['Thanks', 0, 300], ['for', 300, 450], ['the', 450, 550], ['follow', 550, 900], ['and', 1_000, 1_150],
      ['welcome', 1_150, 1_500], ['to', 1_500, 1_600], ['the', 1_600, 1_700], ['stream', 1_700, 2_100], ['everyone', 2_100, 2_700],
    ),
  }),
  entry('skipped', 'never heard', { state: 'skipped', reason: 'skipped by user' }),
  entry('markup', '<b>bold</b>\n& <img src=x>', { playedAtMs: 31_500.5, durationMs: 1_500.5 }),
];
