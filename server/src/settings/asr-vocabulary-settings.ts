/**
 * Hot words of the streamer's speech recognition (asr-vocabulary.json): kept by the DashScope
 * recognizer in one upstream vocabulary (plugin/asr-dashscope/hot-words.ts), unless
 * ASR_VOCABULARY_ID is set. Bounded by DashScope's limits ("Custom hotwords",
 * alibabacloud.com/help/en/model-studio/custom-hot-words): at most 500 words; a word with a
 * non-ASCII character has at most 15 characters, an ASCII one at most 7 space-separated parts
 * (and, the relay's own bound, 100 characters); weight an integer 1–5 (4 recommended).
 */
import { z } from 'zod';
import type { HotWord } from '../core/recognizer.ts';

export const MAX_HOT_WORDS = 500;
export const DEFAULT_HOT_WORD_WEIGHT = 4;
const MAX_NON_ASCII_CHARS = 15;
const MAX_ASCII_PARTS = 7;
const MAX_ASCII_CHARS = 100;

/** Why DashScope would refuse this text, if it would. */
export function hotWordTextProblem(text: string): string | undefined {
  if (/[^\x00-\x7f]/u.test(text)) {
    return [...text].length > MAX_NON_ASCII_CHARS ? `at most ${MAX_NON_ASCII_CHARS} characters when it has non-ASCII ones` : undefined;
  }
  if (text.length > MAX_ASCII_CHARS) return `at most ${MAX_ASCII_CHARS} characters`;
  return text.split(/\s+/u).length > MAX_ASCII_PARTS ? `at most ${MAX_ASCII_PARTS} words` : undefined;
}

const HotWordSchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1)
      .refine((text) => !text.includes('|'), 'a hot word cannot contain "|"')
      .superRefine((text, ctx) => {
        const problem = hotWordTextProblem(text);
        if (problem) ctx.addIssue({ code: 'custom', message: `"${text}" is too long: ${problem}` });
      }),
    weight: z.number().int().min(1).max(5).default(DEFAULT_HOT_WORD_WEIGHT),
    /** A language code (zh, en, ja, …): the word counts in that language only. */
    lang: z.string().regex(/^[a-z]{2,3}$/u, 'a language code such as zh or en').optional(),
  })
  .strict();

export const AsrVocabularySettings = z
  .object({
    words: z
      .array(HotWordSchema)
      .max(MAX_HOT_WORDS)
      .default([])
      .superRefine((words, ctx) => {
        const seen = new Set<string>();
        words.forEach((w, i) => {
          if (seen.has(w.text)) ctx.addIssue({ code: 'custom', path: [i, 'text'], message: `"${w.text}" is listed twice` });
          seen.add(w.text);
        });
      }),
  })
  .strict();

export type AsrVocabularySettings = z.output<typeof AsrVocabularySettings>;

/** The words as the recognizer takes them. */
export const hotWordsOf = (settings: AsrVocabularySettings): HotWord[] =>
  settings.words.map((w) => ({ text: w.text, weight: w.weight, ...(w.lang !== undefined && { lang: w.lang }) }));
