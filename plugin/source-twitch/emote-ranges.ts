/**
 * Twitch's `emotes` tag: `id:start-end,start-end/id:start-end`, inclusive positions counted
 * in Unicode code points (not UTF-16 units), so an emoji before an emote shifts nothing.
 */
export function removeEmoteRanges(text: string, emotesTag: string | undefined): string {
  if (!emotesTag) return text;
  const chars = Array.from(text);
  const remove = new Uint8Array(chars.length);
  let removed = false;
  for (const emote of emotesTag.split('/')) {
    const ranges = emote.slice(emote.indexOf(':') + 1);
    for (const range of ranges.split(',')) {
      const [startText, endText] = range.split('-');
      const start = Number(startText);
      const end = Number(endText);
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) continue;
      for (let i = start; i <= end && i < chars.length; i++) remove[i] = 1;
      removed = true;
    }
  }
  if (!removed) return text;
  return chars
    .filter((_, i) => remove[i] === 0)
    .join('')
    .replace(/\s+/gu, ' ')
    .trim();
}
