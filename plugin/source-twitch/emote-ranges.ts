/**
 * Twitch's `emotes` tag: `id:start-end,start-end/id:start-end`, inclusive positions counted
 * in Unicode code points (not UTF-16 units), so an emoji before an emote shifts nothing.
 *
 * The positions are sometimes wrong: off by one or more, or past the end of the message
 * (twitch-irc-rs keeps such real lines in its tests on purpose: `test_incorrect_emote_index`,
 * `test_extremely_incorrect_emote_index`, `test_emote_index_complete_out_of_range` in
 * src/message/commands/privmsg.rs). Removing by such a range leaves letter fragments
 * ("Kappa" → "K"), so an emote's ranges are trusted only when each covers a whole word and
 * all of them cover the same word; otherwise the emote's name is looked up in the message
 * (the whole word of the range's length nearest to it) and removed wherever it stands alone.
 */

interface Range {
  start: number;
  end: number;
}

/** One word of the message: its code-point span and text. */
interface Word extends Range {
  text: string;
}

function parseRanges(ranges: string): Range[] {
  const parsed: Range[] = [];
  for (const range of ranges.split(',')) {
    const [startText, endText] = range.split('-');
    const start = Number(startText);
    const end = Number(endText);
    if (Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end >= start) parsed.push({ start, end });
  }
  return parsed;
}

function wordsOf(chars: readonly string[]): Word[] {
  const words: Word[] = [];
  let start = -1;
  for (let i = 0; i <= chars.length; i++) {
    const blank = i === chars.length || /\s/u.test(chars[i]!);
    if (!blank && start === -1) start = i;
    if (blank && start !== -1) {
      words.push({ start, end: i - 1, text: chars.slice(start, i).join('') });
      start = -1;
    }
  }
  return words;
}

/** The name the ranges cover, when every range is exactly one whole word and all name the same word. */
function verifiedName(ranges: readonly Range[], words: readonly Word[]): string | undefined {
  let name: string | undefined;
  for (const { start, end } of ranges) {
    const word = words.find((w) => w.start === start && w.end === end);
    if (!word || (name !== undefined && word.text !== name)) return undefined;
    name = word.text;
  }
  return name;
}

/** The emote's name as the message spells it: the word of the range's length nearest to the range. */
function nameNear(range: Range, words: readonly Word[]): string | undefined {
  const length = range.end - range.start + 1;
  let best: Word | undefined;
  for (const word of words) {
    if (word.end - word.start + 1 !== length) continue;
    if (!best || Math.abs(word.start - range.start) < Math.abs(best.start - range.start)) best = word;
  }
  return best?.text;
}

export function removeEmoteRanges(text: string, emotesTag: string | undefined): string {
  if (!emotesTag) return text;
  const chars = Array.from(text);
  const words = wordsOf(chars);
  const remove = new Uint8Array(chars.length);
  const namesToRemove = new Set<string>();
  for (const emote of emotesTag.split('/')) {
    const ranges = parseRanges(emote.slice(emote.indexOf(':') + 1));
    if (ranges.length === 0) continue;
    if (verifiedName(ranges, words) !== undefined) {
      for (const { start, end } of ranges) remove.fill(1, start, end + 1);
      continue;
    }
    const name = nameNear(ranges[0]!, words);
    if (name !== undefined) namesToRemove.add(name);
  }
  for (const word of words) if (namesToRemove.has(word.text)) remove.fill(1, word.start, word.end + 1);
  if (!remove.includes(1)) return text;
  return chars
    .filter((_, i) => remove[i] === 0)
    .join('')
    .replace(/\s+/gu, ' ')
    .trim();
}
