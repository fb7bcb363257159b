/** One line of the ASR feed: `{"text": "...", "final": true|false, "lang"?: "zh"}`. */
import { z } from 'zod';
import { ValidationError } from '../../server/src/core/errors.ts';
import { LANGUAGE_TAG, LANGUAGE_TAG_HINT } from '../../server/src/core/language-tag.ts';

export const AsrLine = z.object({
  text: z.string(),
  final: z.boolean(),
  /** A language tag ("zh", "en-US"): it may reach a TTS engine, so nothing else. */
  lang: z
    .string()
    .regex(LANGUAGE_TAG, LANGUAGE_TAG_HINT)
    .optional(),
});

/**
 * Display-safe subtitle text: NFC, breaks → spaces, control characters and invisible bidi /
 * zero-width characters stripped, whitespace collapsed. (Partials go to overlays as they
 * are, without the caption pipeline's normalization.)
 */
export function cleanAsrText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\t\n\v\f\r\u0085\u2028\u2029]/gu, ' ')
    .replace(/[\p{Cc}\u180E\u200B\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFF9-\uFFFB\uD800-\uDFFF]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

export type AsrLine = z.infer<typeof AsrLine>;

/** Parses one JSON line (text cleaned with cleanAsrText); throws ValidationError `line_too_long`, `invalid_json` or `invalid_line`. */
export function parseAsrLine(line: string, maxLineBytes: number): AsrLine {
  const bytes = Buffer.byteLength(line, 'utf8');
  if (bytes > maxLineBytes) {
    throw new ValidationError('line_too_long', `line is ${bytes} bytes, the limit is ${maxLineBytes}`, 413);
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ValidationError('invalid_json', 'line is not valid JSON');
  }
  const parsed = AsrLine.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new ValidationError('invalid_line', `expected {text: string, final: boolean, lang?: string}; ${where}${issue?.message ?? 'invalid'}`);
  }
  return { ...parsed.data, text: cleanAsrText(parsed.data.text) };
}
