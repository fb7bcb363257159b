/** The panel language (zh/en, persisted) and its labels. */
import { h, type Attrs } from '../lib/dom.ts';
import { defaultLang, LABELS, type Lang, type LabelKey } from './i18n.ts';
import { LiveValue } from './live-value.ts';
import { load, store } from '../lib/storage.ts';

const LANG_KEY = 'cosy-relay.lang';

export const lang$ = new LiveValue<Lang>(defaultLang(load(LANG_KEY), navigator.language || 'en'));

export const t = (key: LabelKey): string => LABELS[lang$.value][key] ?? key;

function isLabelKey(key: string): key is LabelKey {
  return Object.hasOwn(LABELS.en, key);
}

export function toggleLang(): void {
  const next: Lang = lang$.value === 'zh' ? 'en' : 'zh';
  store(LANG_KEY, next);
  lang$.set(next);
}

/** Relabels every `[data-i18n]` element (text) and `[data-i18n-title]` / `[data-i18n-placeholder]` attribute. */
export function applyLabels(root: ParentNode = document): void {
  document.documentElement.lang = lang$.value === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = el.dataset.i18n!;
    if (isLabelKey(key)) el.textContent = t(key);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-placeholder]')) {
    const key = el.dataset.i18nPlaceholder!;
    if (isLabelKey(key)) el.setAttribute('placeholder', t(key));
  }
}

/** An element showing the label `key`, relabelled on a language switch. */
export function labelled<K extends keyof HTMLElementTagNameMap>(tag: K, key: LabelKey, attrs: Attrs = {}): HTMLElementTagNameMap[K] {
  const el = h(tag, attrs, t(key));
  el.dataset.i18n = key;
  return el;
}

/** The label `key` with its `{name}` placeholders filled from `values`. */
export function tf(key: LabelKey, values: Record<string, string | number>): string {
  return t(key).replace(/\{(\w+)\}/gu, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}

/** The label of a key built from data (`reason.cooldown`, `opt.vip`), or undefined when there is none. */
export function labelFor(key: string): string | undefined {
  return isLabelKey(key) ? t(key) : undefined;
}

/** Like `labelled` for a key built from data; an element showing `fallback` when there is no such label. */
export function labelledOr<K extends keyof HTMLElementTagNameMap>(tag: K, key: string, fallback: string, attrs: Attrs = {}): HTMLElementTagNameMap[K] {
  return isLabelKey(key) ? labelled(tag, key, attrs) : h(tag, attrs, fallback);
}

/**
 * A drop or skip reason in the panel's language: known reasons by their label, keeping any
 * detail ("synthesis failed (x): y" → "合成失败 (x): y"); unknown reasons as the relay wrote them.
 */
export function reasonText(reason: string): string {
  const head = /^[^(:]*/u.exec(reason)![0].trim();
  const label = labelFor(`reason.${head}`);
  return label === undefined ? reason : label + reason.slice(head.length);
}
