/**
 * Settings fields, DOM-free: how a JSON value at a path is shown in a form control and read
 * back. The relay validates the whole section again (zod); these only turn text into JSON.
 */
import type { CaptionLimits } from '../../../../server/src/core/protocol.ts';
import type { LabelKey } from '../i18n.ts';

export type FieldKind =
  /** A checkbox; `asString` stores "true" / "false" (overlay style parameters are strings); `initial` when unset. */
  | { type: 'bool'; asString?: boolean; initial?: boolean }
  /** `optional`: empty removes the key; `asString` keeps the text (checked by the relay). */
  | { type: 'number'; min?: number; max?: number; step?: number; optional?: boolean; asString?: boolean }
  | { type: 'text'; optional?: boolean; datalist?: string; placeholder?: string }
  /** A choice; the first option is shown while unset. */
  | { type: 'enum'; options: readonly string[] }
  /** Checkboxes: the chosen options, as a list. */
  | { type: 'set'; options: readonly string[] }
  /** One string per line. */
  | { type: 'lines' }
  /** `name = value` per line: a record of strings. */
  | { type: 'pairs' }
  /** Milliseconds or "never" (null); with `inherit`, empty removes the key (the default TTL applies). */
  | { type: 'ttl'; inherit: boolean }
  /** `source = maxQueued, reject|drop-oldest` per line: the queue's per-source bounds. */
  | { type: 'limits' }
  /** `text | weight | lang` per line, weight and lang optional: hot words (`{ text, weight?, lang? }`). */
  | { type: 'words' };

export interface FieldSpec {
  path: string;
  label: LabelKey;
  kind: FieldKind;
  /** What the setting applies to, and the relay limit beside it (its value comes with panel:init). */
  hint?: { label: LabelKey; limit?: keyof CaptionLimits };
}

export interface FieldGroup {
  label?: LabelKey;
  fields: FieldSpec[];
}

/** What a control shows: checked, the checked options, or text. */
export type ControlValue = boolean | string[] | string;

/** The JSON value read from a control, the key removed, or a problem (a label key). */
export type ParsedField = { value: unknown } | { remove: true } | { error: LabelKey };

const NEVER = /^(never|null|∞|永不)$/i;

export function getPath(root: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), root);
}

/** Sets (or with `remove`, deletes) the value at `path`, creating objects on the way. */
export function setPath(root: Record<string, unknown>, path: string, field: { value: unknown } | { remove: true }): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = root;
  for (const key of keys) {
    const next = node[key];
    node = (node[key] = next !== null && typeof next === 'object' ? next : {}) as Record<string, unknown>;
  }
  if ('remove' in field) delete node[last];
  else node[last] = field.value;
}

function lines(raw: string): string[] {
  return raw
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

export function formatField(kind: FieldKind, value: unknown): ControlValue {
  switch (kind.type) {
    case 'bool':
      return value === undefined ? (kind.initial ?? false) : value === true || value === 'true';
    case 'set':
      return Array.isArray(value) ? value.map(String) : [];
    case 'lines':
      return Array.isArray(value) ? value.map(String).join('\n') : '';
    case 'pairs':
      return value && typeof value === 'object' ? Object.entries(value).map(([k, v]) => `${k} = ${String(v)}`).join('\n') : '';
    case 'limits':
      return value && typeof value === 'object'
        ? Object.entries(value as Record<string, { maxQueued?: unknown; overflow?: unknown }>)
            .map(([source, l]) => `${source} = ${String(l?.maxQueued)}, ${String(l?.overflow)}`)
            .join('\n')
        : '';
    case 'words':
      return Array.isArray(value)
        ? value
            .map((w: { text?: unknown; weight?: unknown; lang?: unknown }) => [w.text, w.weight, w.lang].filter((part) => part !== undefined).map(String).join(' | '))
            .join('\n')
        : '';
    case 'enum':
      return typeof value === 'string' && kind.options.includes(value) ? value : (kind.options[0] ?? '');
    case 'ttl':
      return value === null ? (kind.inherit ? 'never' : '') : value === undefined ? '' : String(value);
    default:
      return value === undefined || value === null ? '' : String(value);
  }
}

export function parseField(kind: FieldKind, raw: ControlValue): ParsedField {
  switch (kind.type) {
    case 'bool':
      return { value: kind.asString ? String(raw === true) : raw === true };
    case 'set':
      return { value: Array.isArray(raw) ? raw : [] };
    case 'lines':
      return { value: lines(String(raw)) };
    case 'pairs': {
      const record: Record<string, string> = {};
      for (const line of lines(String(raw))) {
        const at = line.indexOf('=');
        if (at <= 0) return { error: 'invalidLine' };
        record[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      return { value: record };
    }
    case 'limits': {
      const record: Record<string, { maxQueued: number; overflow: string }> = {};
      for (const line of lines(String(raw))) {
        const m = /^([^=]+?)\s*=\s*(\d+)\s*[,\s]\s*(reject|drop-oldest)$/.exec(line);
        if (!m) return { error: 'invalidLine' };
        record[m[1]!] = { maxQueued: Number(m[2]), overflow: m[3]! };
      }
      return { value: record };
    }
    case 'words': {
      const words: { text: string; weight?: number; lang?: string }[] = [];
      for (const line of lines(String(raw))) {
        const [text = '', weight = '', lang = '', ...rest] = line.split('|').map((part) => part.trim());
        if (text === '' || rest.length > 0) return { error: 'invalidLine' };
        if (weight !== '' && !/^-?\d+$/.test(weight)) return { error: 'invalidNumber' };
        words.push({ text, ...(weight !== '' && { weight: Number(weight) }), ...(lang !== '' && { lang }) });
      }
      return { value: words };
    }
    case 'ttl': {
      const text = String(raw).trim();
      if (text === '') return kind.inherit ? { remove: true } : { value: null };
      if (NEVER.test(text)) return { value: null };
      const ms = Number(text);
      return Number.isFinite(ms) ? { value: ms } : { error: 'invalidNumber' };
    }
    case 'number': {
      const text = String(raw).trim();
      if (text === '' && kind.optional) return { remove: true };
      if (kind.asString) return { value: text };
      const n = Number(text);
      return text !== '' && Number.isFinite(n) ? { value: n } : { error: 'invalidNumber' };
    }
    case 'text': {
      const text = String(raw).trim();
      return text === '' && kind.optional ? { remove: true } : { value: text };
    }
    case 'enum':
      return { value: String(raw) };
  }
}
