/**
 * Overlay parameters — from the URL and from the style stored by the panel — validated
 * against whitelists (the style ones are core's, which the relay checks stored styles with).
 * Values only ever reach the page through `element.style` properties, and only after
 * passing these checks, so a crafted URL or style cannot inject CSS declarations or markup.
 */

import {
  boolValue,
  intValue,
  isStyleParam,
  numberValue,
  STYLE_PARAMS,
  STYLE_SPECS,
  type ColorCheck,
  type StyleParam,
  type StyleValues,
  type ValueSpec,
} from '../../../server/src/core/overlay-style.ts';
import { DEFAULT_LEAD_MS } from './jitter-buffer.ts';

/** The style (as core's whitelist checks it; `size` is `sizePx` here) and the playback parameters. */
export interface OverlayParams extends Omit<StyleValues, 'size'> {
  key: string;
  /** Font size in px. */
  sizePx: number;
  /** Initial jitter-buffer lead (the adaptive lead never goes below it). */
  leadMs: number;
  maxLeadMs: number;
  /** How long the caption stays after the audio ends. */
  holdMs: number;
  /** How long a final subtitle line (ASR) stays before it fades. */
  subtitleHoldMs: number;
  /** Output gain 0..2. */
  volume: number;
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
  subtitles: true,
  subtitleLines: 2,
  subtitleSize: 36,
  subtitleColor: '#ffffff',
  translation: true,
  translationSize: 30,
  translationColor: '#ffd84d',
  subtitleHoldMs: 4000,
  debug: false,
  preview: false,
};

type Apply = (p: OverlayParams) => void;

/** A parameter: how its raw value is checked and applied to the params. */
interface ParamSpec {
  parse(raw: string, isColor?: ColorCheck): Apply | null;
}

/** A checked value of `spec`, applied with `apply`. */
const applied = <V>(spec: ValueSpec<V>, apply: (p: OverlayParams, v: V) => void): ParamSpec => ({
  parse: (raw, isColor) => {
    const v = spec.parse(raw, isColor);
    return v === null ? null : (p) => apply(p, v);
  },
});

/** Where each style parameter lands in the params. */
const APPLY_STYLE: { readonly [K in StyleParam]: (p: OverlayParams, v: StyleValues[K]) => void } = {
  font: (p, v) => (p.font = v),
  size: (p, v) => (p.sizePx = v),
  color: (p, v) => (p.color = v),
  highlight: (p, v) => (p.highlight = v),
  spoken: (p, v) => (p.spoken = v),
  bg: (p, v) => (p.bg = v),
  position: (p, v) => (p.position = v),
  align: (p, v) => (p.align = v),
  maxWords: (p, v) => (p.maxWords = v),
  showUser: (p, v) => (p.showUser = v),
  shadow: (p, v) => (p.shadow = v),
  subtitles: (p, v) => (p.subtitles = v),
  subtitleLines: (p, v) => (p.subtitleLines = v),
  subtitleSize: (p, v) => (p.subtitleSize = v),
  subtitleColor: (p, v) => (p.subtitleColor = v),
  translation: (p, v) => (p.translation = v),
  translationSize: (p, v) => (p.translationSize = v),
  translationColor: (p, v) => (p.translationColor = v),
};

const styleSpec = <K extends StyleParam>(name: K): ParamSpec => applied(STYLE_SPECS[name], APPLY_STYLE[name]);

/** Parameters only the URL sets: playback behaviour and page mode. */
const URL_SPECS: Readonly<Record<string, ParamSpec>> = {
  leadMs: applied(intValue(0, 2000), (p, v) => (p.leadMs = v)),
  maxLeadMs: applied(intValue(0, 5000), (p, v) => (p.maxLeadMs = v)),
  holdMs: applied(intValue(0, 60000), (p, v) => (p.holdMs = v)),
  subtitleHoldMs: applied(intValue(0, 60000), (p, v) => (p.subtitleHoldMs = v)),
  volume: applied(numberValue(0, 2), (p, v) => (p.volume = v)),
  debug: applied(boolValue, (p, v) => (p.debug = v)),
  preview: applied(boolValue, (p, v) => (p.preview = v)),
};

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
    const apply = isStyleParam(name) && typeof raw === 'string' ? styleSpec(name).parse(raw, isColor) : null;
    if (apply) apply(p);
    else rejected.push(`style.${name}`);
  }
  const specs: [string, ParamSpec][] = [...STYLE_PARAMS.map((name): [string, ParamSpec] => [name, styleSpec(name)]), ...Object.entries(URL_SPECS)];
  for (const [name, spec] of specs) {
    const raw = q.get(name);
    if (raw === null) continue;
    const apply = spec.parse(raw, isColor);
    if (apply) apply(p);
    else rejected.push(name);
  }
  p.maxLeadMs = Math.max(p.maxLeadMs, p.leadMs);
  return { params: p, rejected };
}
