/** Text splitting for streaming synthesis: sentences first, then runs of one script. */

export type Script = 'han' | 'latin' | 'neutral';

export interface ScriptRun {
  text: string;
  /** "neutral" only when the sentence has no Han or Latin letter at all. */
  script: Script;
}

/**
 * Ends a sentence: a run of terminators (a "." only when no ASCII letter or digit follows,
 * so "3.14" and "v1.2" stay whole), plus any closing quotes or brackets after it.
 */
const SENTENCE_END = /(?:[。！？!?;；\n]|\.(?![A-Za-z0-9]))+[”’"'」』）)\]]*/gu;
const SPEAKABLE = /[\p{L}\p{N}\p{Extended_Pictographic}]/u;
const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

/**
 * Splits text into trimmed sentences, each keeping its ending punctuation. A piece with
 * nothing speakable (stray punctuation) joins the sentence before it, or the next one.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let carried = '';
  const add = (piece: string): void => {
    const trimmed = piece.trim();
    if (!trimmed) return;
    if (SPEAKABLE.test(trimmed)) {
      sentences.push(carried + trimmed);
      carried = '';
    } else if (sentences.length > 0) {
      sentences[sentences.length - 1] += trimmed;
    } else {
      carried += trimmed;
    }
  };
  let start = 0;
  for (const match of text.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    add(text.slice(start, end));
    start = end;
  }
  add(text.slice(start));
  if (carried) sentences.push(carried);
  return sentences;
}

export function containsHan(text: string): boolean {
  return HAN.test(text);
}

function scriptOf(char: string): Script {
  if (HAN.test(char)) return 'han';
  if (LATIN.test(char)) return 'latin';
  return 'neutral';
}

/**
 * Splits a sentence into runs of Han vs Latin script; the runs concatenate back to the
 * sentence. Neutral characters (digits, punctuation, spaces, emoji) join the run before
 * them; leading ones join the first run.
 */
export function splitScripts(sentence: string): ScriptRun[] {
  const runs: ScriptRun[] = [];
  let leading = '';
  for (const char of sentence) {
    const script = scriptOf(char);
    const last = runs.at(-1);
    if (script === 'neutral') {
      if (last) last.text += char;
      else leading += char;
    } else if (last?.script === script) {
      last.text += char;
    } else {
      runs.push({ text: leading + char, script });
      leading = '';
    }
  }
  if (leading) runs.push({ text: leading, script: 'neutral' });
  return runs;
}
