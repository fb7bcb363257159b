/**
 * Word cues for an engine without timestamps: each word gets a share of the sentence's
 * speech proportional to its characters (a CJK character, one syllable, weighs as much as
 * three Latin letters), refined by silence detection: the speech is cut at its longest
 * pauses into as many phrases as the punctuation suggests, and words stay in their phrase.
 */
import { isCjk, splitWords, type Word } from '../../server/src/core/engine-kit/text-segmentation.ts';
import type { TimedWord } from '../../server/src/core/types.ts';
import { type SilenceOptions, type Span, voicedSpans } from './voiced-spans.ts';

const CJK_WEIGHT = 3;

function weightOf(word: Word): number {
  return [...word.text].reduce((sum, char) => sum + (isCjk(char) ? CJK_WEIGHT : 1), 0);
}

/** Group words into phrases ending at punctuation. */
function phrasesOf(words: Word[]): Word[][] {
  const phrases: Word[][] = [[]];
  for (const word of words) {
    phrases[phrases.length - 1]!.push(word);
    if (word.pauseAfter) phrases.push([]);
  }
  return phrases.filter((p) => p.length > 0);
}

/** Cut the speech into `count` spans at its longest pauses (kept in time order), or one span. */
function phraseSpans(spans: Span[], count: number): Span[] {
  const whole = { startMs: spans[0]!.startMs, endMs: spans[spans.length - 1]!.endMs };
  if (count <= 1 || spans.length < count) return [whole];
  const cuts = spans
    .slice(1)
    .map((span, i) => ({ at: i + 1, pauseMs: span.startMs - spans[i]!.endMs }))
    .sort((a, b) => b.pauseMs - a.pauseMs)
    .slice(0, count - 1)
    .map((c) => c.at)
    .sort((a, b) => a - b);
  return [0, ...cuts].map((from, k) => ({ startMs: spans[from]!.startMs, endMs: spans[(cuts[k] ?? spans.length) - 1]!.endMs }));
}

function spread(words: Word[], span: Span): TimedWord[] {
  const total = words.reduce((sum, w) => sum + weightOf(w), 0);
  let before = 0;
  return words.map((word) => {
    const startMs = span.startMs + ((span.endMs - span.startMs) * before) / total;
    before += weightOf(word);
    return { text: word.text, startMs: Math.round(startMs), endMs: Math.round(span.startMs + ((span.endMs - span.startMs) * before) / total) };
  });
}

/** Cues (ms from the sentence's first sample) for `text` spoken in `samples`. */
export function estimateWordCues(text: string, samples: Int16Array, sampleRateHz: number, silence?: SilenceOptions): TimedWord[] {
  const words = splitWords(text);
  if (words.length === 0 || samples.length === 0) return [];
  const spans = voicedSpans(samples, sampleRateHz, silence);
  if (spans.length === 0) return spread(words, { startMs: 0, endMs: (samples.length * 1000) / sampleRateHz });
  const phrases = phrasesOf(words);
  const targets = phraseSpans(spans, phrases.length);
  if (targets.length === 1) return spread(words, targets[0]!);
  return phrases.flatMap((phrase, k) => spread(phrase, targets[k]!));
}
