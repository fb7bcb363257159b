/**
 * One IRC line with IRCv3 message tags (RFC 1459 framing + https://ircv3.net/specs/extensions/message-tags):
 * `[@tags ][:prefix ]COMMAND[ params][ :trailing]`.
 */
export interface IrcMessage {
  tags: Record<string, string>;
  /** nick (or server name) from `:nick!user@host`. */
  prefixNick?: string;
  command: string;
  params: string[];
}

const TAG_ESCAPES: Record<string, string> = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };

/**
 * Longest line parsed: IRCv3 allows 8191 bytes of tags plus 512 of message; Twitch stays
 * well under. Longer lines are refused whole (undefined), not cut.
 */
export const MAX_IRC_LINE_CHARS = 16 * 1024;

/** CR, LF and NUL never occur inside a well-formed line: one that holds them is refused. */
const LINE_BREAKS = /[\r\n\0]/u;

/** Undoes IRCv3 tag value escaping; an unknown escape yields the char, a lone trailing `\` is dropped. */
export function unescapeTagValue(value: string): string {
  if (!value.includes('\\')) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = value[++i];
    if (next !== undefined) out += TAG_ESCAPES[next] ?? next;
  }
  return out;
}

function parseTags(raw: string): Record<string, string> {
  // No prototype: a tag named `__proto__` or `constructor` is just a tag.
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of raw.split(';')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq === -1) tags[pair] = '';
    else tags[pair.slice(0, eq)] = unescapeTagValue(pair.slice(eq + 1));
  }
  return tags;
}

/**
 * Parses one line (without CR LF); undefined when it has no command, is longer than
 * MAX_IRC_LINE_CHARS, or holds CR, LF or NUL (a line smuggled inside another one).
 */
export function parseIrcLine(line: string): IrcMessage | undefined {
  if (line.length > MAX_IRC_LINE_CHARS || LINE_BREAKS.test(line)) return undefined;
  let rest = line;
  let tags: Record<string, string> = Object.create(null) as Record<string, string>;
  if (rest.startsWith('@')) {
    const space = rest.indexOf(' ');
    if (space === -1) return undefined;
    tags = parseTags(rest.slice(1, space));
    rest = rest.slice(space + 1).trimStart();
  }
  let prefixNick: string | undefined;
  if (rest.startsWith(':')) {
    const space = rest.indexOf(' ');
    if (space === -1) return undefined;
    const prefix = rest.slice(1, space);
    prefixNick = prefix.split('!')[0]!.split('@')[0];
    rest = rest.slice(space + 1).trimStart();
  }
  const params: string[] = [];
  let command = '';
  while (rest !== '') {
    if (command !== '' && rest.startsWith(':')) {
      params.push(rest.slice(1));
      break;
    }
    const space = rest.indexOf(' ');
    const word = space === -1 ? rest : rest.slice(0, space);
    if (command === '') command = word.toUpperCase();
    else params.push(word);
    rest = space === -1 ? '' : rest.slice(space + 1).trimStart();
  }
  if (command === '') return undefined;
  return prefixNick === undefined ? { tags, command, params } : { tags, prefixNick, command, params };
}
