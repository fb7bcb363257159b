/**
 * Overlay URL parameters, validated against whitelists (pure, DOM-free).
 * Values only ever reach the page through `element.style` properties, and only after
 * passing these checks, so a crafted URL cannot inject CSS declarations or markup.
 */

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
  leadMs: 60,
  maxLeadMs: 300,
  holdMs: 1500,
  volume: 1,
  showUser: false,
  shadow: true,
  debug: false,
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

function parseIntIn(raw: string | null, min: number, max: number): number | null {
  if (raw === null || !/^\d{1,6}$/.test(raw.trim())) return null;
  const n = Number(raw.trim());
  return n >= min && n <= max ? n : null;
}

function parseNumberIn(raw: string | null, min: number, max: number): number | null {
  if (raw === null || !/^\d{1,3}(?:\.\d{1,4})?$/.test(raw.trim())) return null;
  const n = Number(raw.trim());
  return n >= min && n <= max ? n : null;
}

function parseBool(raw: string | null, fallback: boolean): boolean {
  if (raw === null) return fallback;
  const v = raw.trim().toLowerCase();
  if (v === '' || v === '1' || v === 'true' || v === 'yes' || v === 'on') return true;
  if (v === '0' || v === 'false' || v === 'no' || v === 'off') return false;
  return fallback;
}

function oneOf<T extends string>(raw: string | null, allowed: readonly T[]): T | null {
  if (raw === null) return null;
  const v = raw.trim().toLowerCase();
  return (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

export interface ParsedParams {
  params: OverlayParams;
  /** Names of parameters that were present but rejected (logged in debug mode). */
  rejected: string[];
}

export function parseOverlayParams(search: string, isColor?: (v: string) => boolean): ParsedParams {
  const q = new URLSearchParams(search);
  const rejected: string[] = [];
  const p: OverlayParams = { key: '', ...DEFAULT_PARAMS };
  const take = <T>(name: string, parsed: T | null, apply: (v: T) => void): void => {
    if (!q.has(name)) return;
    if (parsed === null) rejected.push(name);
    else apply(parsed);
  };
  p.key = (q.get('key') ?? '').slice(0, 256);
  take('font', parseFont(q.get('font')), (v) => (p.font = v));
  take('size', parseIntIn(q.get('size'), 8, 300), (v) => (p.sizePx = v));
  take('color', parseColor(q.get('color'), isColor), (v) => (p.color = v));
  take('highlight', parseColor(q.get('highlight'), isColor), (v) => (p.highlight = v));
  take('spoken', parseColor(q.get('spoken'), isColor), (v) => (p.spoken = v));
  take('bg', parseColor(q.get('bg'), isColor), (v) => (p.bg = v));
  take('position', oneOf(q.get('position'), ['top', 'middle', 'bottom'] as const), (v) => (p.position = v));
  take('align', oneOf(q.get('align'), ['left', 'center', 'right'] as const), (v) => (p.align = v));
  take('maxWords', parseIntIn(q.get('maxWords'), 0, 500), (v) => (p.maxWords = v));
  take('leadMs', parseIntIn(q.get('leadMs'), 0, 2000), (v) => (p.leadMs = v));
  take('maxLeadMs', parseIntIn(q.get('maxLeadMs'), 0, 5000), (v) => (p.maxLeadMs = v));
  take('holdMs', parseIntIn(q.get('holdMs'), 0, 60000), (v) => (p.holdMs = v));
  take('volume', parseNumberIn(q.get('volume'), 0, 2), (v) => (p.volume = v));
  p.maxLeadMs = Math.max(p.maxLeadMs, p.leadMs);
  p.showUser = parseBool(q.get('showUser'), p.showUser);
  p.shadow = parseBool(q.get('shadow'), p.shadow);
  p.debug = parseBool(q.get('debug'), p.debug);
  return { params: p, rejected };
}
