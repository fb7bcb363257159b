/**
 * The overlay style whitelist, shared by the relay (it checks the style the panel stores)
 * and the overlay page (it checks URL parameters and the pushed style). Pure: no DOM, no
 * node APIs. A value that passes cannot escape a CSS declaration or carry markup.
 */

export type Position = 'top' | 'middle' | 'bottom';
export type Align = 'left' | 'center' | 'right';

export const POSITIONS: readonly Position[] = ['top', 'middle', 'bottom'];
export const ALIGNS: readonly Align[] = ['left', 'center', 'right'];

/** The browser's own colour check (CSS.supports), when there is a browser. */
export type ColorCheck = (v: string) => boolean;

/** How one parameter's raw text is checked, and what it takes (for error messages). */
export interface ValueSpec<V> {
  parse(raw: string, isColor?: ColorCheck): V | null;
  accepts: string;
}

const NAMED_COLOR = /^[a-z]{3,24}$/;
const HEX_COLOR = /^#?(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const NUM = String.raw`\s*-?(?:\d{1,3}(?:\.\d+)?|\.\d+)(?:%|deg)?\s*`;
const FUNC_COLOR = new RegExp(String.raw`^(?:rgba?|hsla?)\((?:${NUM},){2}${NUM}(?:[,/]${NUM})?\)$`, 'i');
/** Font family list: letters (any script), digits, spaces, commas, quotes, hyphens. */
const FONT = /^[\p{L}\p{N} ,'"_-]{1,160}$/u;

/**
 * A colour value or null. `isColor` is the browser's own check (CSS.supports) when available;
 * the regexes already exclude anything that could escape a declaration.
 */
export function parseColor(raw: string | null, isColor?: ColorCheck): string | null {
  if (raw === null) return null;
  const v = raw.trim();
  if (!v || v.length > 64) return null;
  let candidate: string | null = null;
  if (HEX_COLOR.test(v)) candidate = v.startsWith('#') ? v : `#${v}`;
  else if (NAMED_COLOR.test(v.toLowerCase())) candidate = v.toLowerCase();
  else if (FUNC_COLOR.test(v)) candidate = v;
  if (candidate === null) return null;
  if (isColor && !isColor(candidate)) return null;
  return candidate;
}

export function parseFont(raw: string | null): string | null {
  if (raw === null) return null;
  const v = raw.trim();
  if (!FONT.test(v)) return null;
  // Quotes must pair up, otherwise the family list is malformed.
  if ((v.match(/"/g)?.length ?? 0) % 2 !== 0 || (v.match(/'/g)?.length ?? 0) % 2 !== 0) return null;
  return v;
}

function parseIntIn(raw: string, min: number, max: number): number | null {
  if (!/^\d{1,6}$/.test(raw.trim())) return null;
  const n = Number(raw.trim());
  return n >= min && n <= max ? n : null;
}

function parseNumberIn(raw: string, min: number, max: number): number | null {
  if (!/^\d{1,3}(?:\.\d{1,4})?$/.test(raw.trim())) return null;
  const n = Number(raw.trim());
  return n >= min && n <= max ? n : null;
}

/** '' (a bare `?debug`), 1/true/yes/on or 0/false/no/off; anything else is rejected. */
function parseBool(raw: string): boolean | null {
  const v = raw.trim().toLowerCase();
  if (v === '' || v === '1' || v === 'true' || v === 'yes' || v === 'on') return true;
  if (v === '0' || v === 'false' || v === 'no' || v === 'off') return false;
  return null;
}

export const colorValue: ValueSpec<string> = {
  parse: (raw, isColor) => parseColor(raw, isColor),
  accepts: 'a colour: #rgb, #rrggbb, #rrggbbaa, a name, rgb(…) or hsl(…)',
};

export const fontValue: ValueSpec<string> = {
  parse: (raw) => parseFont(raw),
  accepts: 'a font family list: letters, digits, spaces, commas, paired quotes, hyphens',
};

export const boolValue: ValueSpec<boolean> = { parse: parseBool, accepts: 'true or false' };

export const intValue = (min: number, max: number): ValueSpec<number> => ({
  parse: (raw) => parseIntIn(raw, min, max),
  accepts: `a whole number from ${min} to ${max}`,
});

export const numberValue = (min: number, max: number): ValueSpec<number> => ({
  parse: (raw) => parseNumberIn(raw, min, max),
  accepts: `a number from ${min} to ${max}`,
});

export const oneOfValue = <T extends string>(allowed: readonly T[]): ValueSpec<T> => ({
  parse: (raw) => {
    const v = raw.trim().toLowerCase();
    return allowed.find((a) => a === v) ?? null;
  },
  accepts: `one of ${allowed.join(', ')}`,
});

/** The value each style parameter takes once checked. */
export interface StyleValues {
  /** CSS font-family list. */
  font: string;
  /** Font size in px. */
  size: number;
  color: string;
  /** Colour of the word being spoken. */
  highlight: string;
  /** Colour of words already spoken. */
  spoken: string;
  /** Caption box background. */
  bg: string;
  position: Position;
  align: Align;
  /** 0 = show all words; otherwise pages of this many words. */
  maxWords: number;
  /** Show the user name before the text. */
  showUser: boolean;
  /** Text outline/shadow for readability over video. */
  shadow: boolean;
  /** Show the live subtitles of the streamer's voice (ASR). */
  subtitles: boolean;
  /** How many subtitle lines stay on screen (older ones fade out). */
  subtitleLines: number;
  /** Subtitle font size in px. */
  subtitleSize: number;
  subtitleColor: string;
  /** Show the translation line under the original. */
  translation: boolean;
  /** Translation font size in px. */
  translationSize: number;
  translationColor: string;
}

export type StyleParam = keyof StyleValues;

/** Parameters that style the caption: from the URL, the stored overlay style, or the panel's preview. */
export const STYLE_SPECS: { readonly [K in StyleParam]: ValueSpec<StyleValues[K]> } = {
  font: fontValue,
  size: intValue(8, 300),
  color: colorValue,
  highlight: colorValue,
  spoken: colorValue,
  bg: colorValue,
  position: oneOfValue(POSITIONS),
  align: oneOfValue(ALIGNS),
  maxWords: intValue(0, 500),
  showUser: boolValue,
  shadow: boolValue,
  subtitles: boolValue,
  subtitleLines: intValue(1, 6),
  subtitleSize: intValue(8, 300),
  subtitleColor: colorValue,
  translation: boolValue,
  translationSize: intValue(8, 300),
  translationColor: colorValue,
};

export const STYLE_PARAMS = Object.keys(STYLE_SPECS) as StyleParam[];

/** A stored overlay style: style parameter names → values as they would be written in the URL. */
export type OverlayStyle = Partial<Record<StyleParam, string>>;

export function isStyleParam(name: string): name is StyleParam {
  return Object.hasOwn(STYLE_SPECS, name);
}

/** Why a style value is refused (what the parameter accepts), or null when it is valid. */
export function styleValueProblem(name: StyleParam, raw: string): string | null {
  const spec = STYLE_SPECS[name];
  return spec.parse(raw) === null ? `expected ${spec.accepts}` : null;
}
