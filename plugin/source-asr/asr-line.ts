/** One line of the ASR feed: `{"text": "...", "final": true|false, "lang"?: "zh"}`. */
import { z } from 'zod';
import { ValidationError } from '../../server/src/core/errors.ts';

export const AsrLine = z.object({
  text: z.string(),
  final: z.boolean(),
  lang: z.string().min(1).max(35).optional(),
});

export type AsrLine = z.infer<typeof AsrLine>;

/** Parses one JSON line; throws ValidationError `line_too_long`, `invalid_json` or `invalid_line`. */
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
  return parsed.data;
}
