/**
 * DashScope's text limits: 20,000 characters per continue-task, 200,000 per task, where each
 * Chinese character (simplified, traditional, Japanese kanji, Korean hanja) counts as two
 * and every other character as one.
 */
export const MAX_CHARS_PER_CONTINUE_TASK = 20_000;
export const MAX_CHARS_PER_TASK = 200_000;

const HAN = /\p{Script=Han}/u;

export function dashscopeCharCount(text: string): number {
  let count = 0;
  for (const char of text) count += HAN.test(char) ? 2 : 1;
  return count;
}
