import { map, type OperatorFunction } from 'rxjs';
import { ValidationError } from '../core/errors.ts';
import type { CaptionEvent } from '../core/types.ts';

/** Line and paragraph breaks (and tabs) become spaces; other control characters go. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/gu;
const CONTROLS = /\p{Cc}/gu;
const WHITESPACE_RUNS = /\s+/gu;

/**
 * Canonical caption text: Unicode NFC, control characters stripped (line breaks kept as
 * spaces), whitespace collapsed, trimmed. `maxChars` counts code points, not UTF-16 units.
 * Throws ValidationError `empty_text` (400) or `text_too_long` (413).
 */
export function normalizeText(text: string, maxChars: number): string {
  const normalized = text
    .normalize('NFC')
    .replace(BREAKS, ' ')
    .replace(CONTROLS, '')
    .replace(WHITESPACE_RUNS, ' ')
    .trim();
  if (normalized.length === 0) {
    throw new ValidationError('empty_text', 'text is empty after removing whitespace and control characters');
  }
  const chars = [...normalized].length;
  if (chars > maxChars) {
    throw new ValidationError('text_too_long', `text is ${chars} characters, the limit is ${maxChars}`, 413);
  }
  return normalized;
}

/** Normalizes each caption's text; an invalid caption errors the stream with its ValidationError. */
export function normalize(maxChars: number): OperatorFunction<CaptionEvent, CaptionEvent> {
  return map((event) => ({ ...event, text: normalizeText(event.text, maxChars) }));
}
