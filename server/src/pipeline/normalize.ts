import { map, type OperatorFunction } from 'rxjs';
import { ValidationError } from '../core/errors.ts';
import type { CaptionEvent } from '../core/types.ts';

/** Line and paragraph breaks (and tabs) become spaces; other control characters go. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/gu;
const CONTROLS = /\p{Cc}/gu;
/**
 * Invisible characters that only serve to disguise text: bidi embeddings, overrides and
 * isolates (they can reverse how a line reads on screen, "Trojan Source"), zero-width
 * space, word joiner and invisible operators, the Mongolian vowel separator, BOMs and
 * interlinear annotation marks. ZWJ / ZWNJ stay (emoji sequences, Persian, Indic scripts),
 * and so do LRM / RLM / ALM (they cannot reorder a run). Lone UTF-16 surrogates (from
 * `"\ud800"` in JSON) are not text either.
 */
const INVISIBLES = /[\u180E\u200B\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFF9-\uFFFB\uD800-\uDFFF]/gu;
const WHITESPACE_RUNS = /\s+/gu;

/** NFC, breaks → spaces, control and invisible characters stripped, whitespace collapsed, trimmed. */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(BREAKS, ' ')
    .replace(CONTROLS, '')
    .replace(INVISIBLES, '')
    .replace(WHITESPACE_RUNS, ' ')
    .trim();
}

/**
 * Canonical caption text: Unicode NFC, control and invisible characters stripped (line
 * breaks kept as spaces), whitespace collapsed, trimmed. `maxChars` counts code points, not
 * UTF-16 units. Throws ValidationError `empty_text` (400) or `text_too_long` (413).
 */
export function normalizeText(text: string, maxChars: number): string {
  const normalized = cleanText(text);
  if (normalized.length === 0) {
    throw new ValidationError('empty_text', 'text is empty after removing whitespace and control characters');
  }
  const chars = [...normalized].length;
  if (chars > maxChars) {
    throw new ValidationError('text_too_long', `text is ${chars} characters, the limit is ${maxChars}`, 413);
  }
  return normalized;
}

/**
 * A display name cleaned like caption text and cut to `maxChars` code points; '' when
 * nothing visible is left (the caller picks a default such as "anonymous").
 */
export function normalizeName(name: string, maxChars: number): string {
  const cleaned = cleanText(name);
  const chars = [...cleaned];
  return chars.length > maxChars ? chars.slice(0, maxChars).join('').trimEnd() : cleaned;
}

/** Normalizes each caption's text; an invalid caption errors the stream with its ValidationError. */
export function normalize(maxChars: number): OperatorFunction<CaptionEvent, CaptionEvent> {
  return map((event) => ({ ...event, text: normalizeText(event.text, maxChars) }));
}
