/** The panel language (zh/en, persisted) and its labels. */
import { h, type Attrs } from './dom.ts';
import { defaultLang, LABELS, type Lang, type LabelKey } from './i18n.ts';
import { LiveValue } from './live-value.ts';
import { load, store } from './storage.ts';

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
