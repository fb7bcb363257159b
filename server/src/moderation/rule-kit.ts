/** Building blocks shared by the moderation rules. */
import { filter, map, type MonoTypeOperatorFunction } from 'rxjs';
import type { DropReason, ModerationInput, RuleContext } from './rule-context.ts';
import type { ModerationSettings } from './settings.ts';

/** Drops (and reports) every event for which `shouldDrop` is true. */
export function dropWhen<T extends ModerationInput>(
  ctx: RuleContext,
  reason: DropReason,
  shouldDrop: (event: T, settings: ModerationSettings) => boolean,
): MonoTypeOperatorFunction<T> {
  return filter((event) => {
    if (!shouldDrop(event, ctx.settings())) return true;
    ctx.onDrop(reason, event);
    return false;
  });
}

/** Rewrites each event's text; the event object is kept when the text did not change. */
export function mapText<T extends ModerationInput>(
  ctx: RuleContext,
  rewrite: (text: string, event: T, settings: ModerationSettings) => string,
): MonoTypeOperatorFunction<T> {
  return map((event) => {
    const text = rewrite(event.text, event, ctx.settings());
    return text === event.text ? event : { ...event, text };
  });
}

/** Caches `compute` for the last argument (settings change rarely; compiled forms are reused). */
export function memoLast<A, R>(compute: (arg: A) => R): (arg: A) => R {
  let lastArg: A | undefined;
  let lastResult: R | undefined;
  let filled = false;
  return (arg) => {
    if (!filled || arg !== lastArg) {
      lastResult = compute(arg);
      lastArg = arg;
      filled = true;
    }
    return lastResult as R;
  };
}

export function lowercaseSet(values: readonly string[]): ReadonlySet<string> {
  return new Set(values.map((v) => v.toLowerCase()));
}

/** Whether the user is named in `names` (by display name or platform id). */
export function userIn(names: ReadonlySet<string>, event: ModerationInput): boolean {
  return names.has(event.user.toLowerCase()) || (event.userId !== undefined && names.has(event.userId.toLowerCase()));
}

/**
 * Identity of the chatter across messages: per source, by id when there is one, else by
 * name. Undefined when neither tells viewers apart (a masked name without an id): per-user
 * rules then do not apply, rather than treating every masked viewer as one user.
 */
export function userKey(event: ModerationInput): string | undefined {
  if (event.userId === undefined && event.maskedName === true) return undefined;
  return `${event.source}:${(event.userId ?? event.user).toLowerCase()}`;
}

/** Collapses whitespace runs and trims. */
export function tidySpaces(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

const HAN = /\p{Script=Han}/u;

/** Which spoken word list fits the message: its `lang`, else Chinese when it contains Han characters. */
export function messageLanguage(event: ModerationInput, text: string): 'zh' | 'en' {
  if (event.lang !== undefined) return event.lang.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  return HAN.test(text) ? 'zh' : 'en';
}
