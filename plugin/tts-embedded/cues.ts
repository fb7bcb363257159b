/** eSpeak NG word events to words on the utterance's audio clock. */
import type { TimedWord } from '../../server/src/core/types.ts';
import type { WordEvent } from './protocol.ts';

/** Where a segment's audio sits on the utterance clock. */
export interface SegmentSpan {
  startMs: number;
  endMs: number;
}

interface Span {
  /** 0-based code point index of the word's first character. */
  from: number;
  /** Code points the events claimed so far: later events inside them join this word. */
  claimedTo: number;
  startMs: number;
}

/** Punctuation, spaces and math/modifier symbols ("~"): trimmed off words. */
const FILLER = /^[\p{P}\p{Z}\p{Sm}\p{Sk}\s]+|[\p{P}\p{Z}\p{Sm}\p{Sk}\s]+$/gu;

/**
 * Maps a segment's word events to timed words. A word's text runs from its event's
 * position to the next word's, trimmed of punctuation and spaces; words left empty are
 * dropped. A word starts at its event's audio position (offset by the segment start) and
 * ends where the next kept word starts, or at the segment's end. Events that would not
 * start strictly later, or that fall inside text already claimed ("3.14" is one word
 * with several events), join the word before them.
 */
export function wordsFromEvents(text: string, events: readonly WordEvent[], segment: SegmentSpan): TimedWord[] {
  const chars = Array.from(text);
  const spans: Span[] = [];
  for (const event of events) {
    const from = Math.min(Math.max(event.textPosition - 1, 0), chars.length);
    const startMs = segment.startMs + Math.max(event.audioPositionMs, 0);
    const last = spans.at(-1);
    if (last && (from < last.claimedTo || startMs <= last.startMs || startMs >= segment.endMs)) {
      last.claimedTo = Math.max(last.claimedTo, from + event.wordLength);
    } else if (startMs < segment.endMs && from < chars.length) {
      spans.push({ from, claimedTo: from + Math.max(event.wordLength, 1), startMs });
    }
  }
  const kept = spans
    .map((span, i) => ({
      text: chars.slice(span.from, spans[i + 1]?.from ?? chars.length).join('').replace(FILLER, ''),
      startMs: span.startMs,
    }))
    .filter((word) => word.text.length > 0);
  return kept.map((word, i) => ({ ...word, endMs: kept[i + 1]?.startMs ?? segment.endMs }));
}
