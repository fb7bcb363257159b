/**
 * Overlay parameters — from the URL and from the style stored by the panel — validated
 * against whitelists (pure, DOM-free; the relay checks stored styles with the same rules).
 * Values only ever reach the page through `element.style` properties, and only after
 * passing these checks, so a crafted URL or style cannot inject CSS declarations or markup.
 */

import { DEFAULT_LEAD_MS } from './jitter-buffer.ts';

export type Position = 'top' | 'middle' | 'bottom';
export type Align = 'left' | 'center' | 'right';

export interface OverlayParams {
  key: string;
  /** CSS font-family list. */
  font: string;
  /** Font size in px. */
  sizePx: number;
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
  /** Initial jitter-buffer lead (the adaptive lead never goes below it). */
  leadMs: number;
  maxLeadMs: number;
  /** How long the caption stays after the audio ends. */
  holdMs: number;
  /** Output gain 0..2. */
  volume: number;
  /** Show the user name before the text. */
  showUser: boolean;
  /** Text outline/shadow for readability over video. */
  shadow: boolean;
  debug: boolean;
  /** The panel's style preview: no connection, no audio, a sample caption styled by the panel. */
  preview: boolean;
}

export const DEFAULT_PARAMS: Readonly<Omit<OverlayParams, 'key'>> = {
  font: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Segoe UI", sans-serif',
  sizePx: 42,
  color: '#ffffff',
  highlight: '#ffd84d',
  spoken: '#ffffff',
  bg: 'rgba(0, 0, 0, 0.55)',
  position: 'bottom',
  align: 'center',
  maxWords: 0,
  leadMs: DEFAULT_LEAD_MS,
  maxLeadMs: 300,
  holdMs: 1500,
  volume: 1,
  showUser: false,
  shadow: true,
  debug: false,
  preview: false,
};

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
export function parseColor(raw: string | null, isColor?: (v: string) => boolean): string | null {
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

function oneOf<T extends string>(raw: string, allowed: readonly T[]): T | null {
  const v = raw.trim().toLowerCase();
  return (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

type ColorCheck = (v: string) => boolean;
type Apply = (p: OverlayParams) => void;

/** A parameter: how its raw value is checked and applied, and what values it takes (for error messages). */
interface ParamSpec {
  parse(raw: string, isColor?: ColorCheck): Apply | null;
  accepts: string;
}

const setIf =
  <V>(apply: (p: OverlayParams, v: V) => void) =>
  (v: V | null): Apply | null =>
    v === null ? null : (p) => apply(p, v);

const COLOR_ACCEPTS = 'a colour: #rgb, #rrggbb, #rrggbbaa, a name, rgb(…) or hsl(…)';
const colorSpec = (apply: (p: OverlayParams, v: string) => void): ParamSpec => ({
  parse: (raw, isColor) => setIf(apply)(parseColor(raw, isColor)),
  accepts: COLOR_ACCEPTS,
});
const boolSpec = (apply: (p: OverlayParams, v: boolean) => void): ParamSpec => ({
  parse: (raw) => setIf(apply)(parseBool(raw)),
  accepts: 'true or false',
});
const intSpec = (min: number, max: number, apply: (p: OverlayParams, v: number) => void): ParamSpec => ({
  parse: (raw) => setIf(apply)(parseIntIn(raw, min, max)),
  accepts: `a whole number from ${min} to ${max}`,
});

const POSITIONS = ['top', 'middle', 'bottom'] as const;
const ALIGNS = ['left', 'center', 'right'] as const;

/** Parameters that style the caption: from the URL, the stored overlay style, or the panel's preview. */
const STYLE_SPECS = {
  font: {
    parse: (raw) => setIf<string>((p, v) => (p.font = v))(parseFont(raw)),
    accepts: 'a font family list: letters, digits, spaces, commas, paired quotes, hyphens',
  },
  size: intSpec(8, 300, (p, v) => (p.sizePx = v)),
  color: colorSpec((p, v) => (p.color = v)),
  highlight: colorSpec((p, v) => (p.highlight = v)),
  spoken: colorSpec((p, v) => (p.spoken = v)),
  bg: colorSpec((p, v) => (p.bg = v)),
  position: {
    parse: (raw) => setIf<Position>((p, v) => (p.position = v))(oneOf(raw, POSITIONS)),
    accepts: `one of ${POSITIONS.join(', ')}`,
  },
  align: {
    parse: (raw) => setIf<Align>((p, v) => (p.align = v))(oneOf(raw, ALIGNS)),
    accepts: `one of ${ALIGNS.join(', ')}`,
  },
  maxWords: intSpec(0, 500, (p, v) => (p.maxWords = v)),
  showUser: boolSpec((p, v) => (p.showUser = v)),
  shadow: boolSpec((p, v) => (p.shadow = v)),
} satisfies Record<string, ParamSpec>;

/** Parameters only the URL sets: playback behaviour and page mode. */
const URL_SPECS = {
  leadMs: intSpec(0, 2000, (p, v) => (p.leadMs = v)),
  maxLeadMs: intSpec(0, 5000, (p, v) => (p.maxLeadMs = v)),
  holdMs: intSpec(0, 60000, (p, v) => (p.holdMs = v)),
  volume: {
    parse: (raw) => setIf<number>((p, v) => (p.volume = v))(parseNumberIn(raw, 0, 2)),
    accepts: 'a number from 0 to 2',
  },
  debug: boolSpec((p, v) => (p.debug = v)),
  preview: boolSpec((p, v) => (p.preview = v)),
} satisfies Record<string, ParamSpec>;

export type StyleParam = keyof typeof STYLE_SPECS;
export const STYLE_PARAMS = Object.keys(STYLE_SPECS) as StyleParam[];

/** A stored overlay style: style parameter names → values as they would be written in the URL. */
export type OverlayStyle = Partial<Record<StyleParam, string>>;

export function isStyleParam(name: string): name is StyleParam {
  return Object.hasOwn(STYLE_SPECS, name);
}

/** Why a style value is refused (what the parameter accepts), or null when it is valid. */
export function styleValueProblem(name: StyleParam, raw: string): string | null {
  const spec: ParamSpec = STYLE_SPECS[name];
  return spec.parse(raw) === null ? `expected ${spec.accepts}` : null;
}

export interface ParsedParams {
  params: OverlayParams;
  /** Names of parameters that were present but rejected (stored style ones as `style.<name>`; logged in debug mode). */
  rejected: string[];
}

/**
 * The overlay's parameters: defaults, then the stored `style` (from the relay), then the
 * URL, so a parameter in the URL wins over the stored style. Every value passes its
 * whitelist check; a refused one keeps what was there before and is listed in `rejected`.
 */
export function parseOverlayParams(search: string, isColor?: ColorCheck, style: Readonly<Record<string, unknown>> = {}): ParsedParams {
  const q = new URLSearchParams(search);
  const rejected: string[] = [];
  const p: OverlayParams = { key: (q.get('key') ?? '').slice(0, 256), ...DEFAULT_PARAMS };
  for (const [name, raw] of Object.entries(style)) {
    const apply = isStyleParam(name) && typeof raw === 'string' ? STYLE_SPECS[name].parse(raw, isColor) : null;
    if (apply) apply(p);
    else rejected.push(`style.${name}`);
  }
  const specs: Record<string, ParamSpec> = { ...STYLE_SPECS, ...URL_SPECS };
  for (const [name, spec] of Object.entries(specs)) {
    const raw = q.get(name);
    if (raw === null) continue;
    const apply = spec.parse(raw, isColor);
    if (apply) apply(p);
    else rejected.push(name);
  }
  p.maxLeadMs = Math.max(p.maxLeadMs, p.leadMs);
  return { params: p, rejected };
}
