/**
 * Sets `spokenName` (how the TTS says the user's name) from the overrides, and reads
 * @mentions in the text the same way (without the "@").
 */
import { map, type MonoTypeOperatorFunction } from 'rxjs';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { memoLast } from './rule-kit.ts';

const MENTION = /@([\p{L}\p{N}_]+)/gu;

function lowercaseKeys(names: Record<string, string>): ReadonlyMap<string, string> {
  return new Map(Object.entries(names).map(([user, spoken]) => [user.toLowerCase(), spoken]));
}

export function spokenNames<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  const overrides = memoLast(lowercaseKeys);
  return map((event) => {
    const names = overrides(ctx.settings().users.spokenNames);
    const say = (name: string): string => names.get(name.toLowerCase()) ?? name;
    const text = event.text.includes('@') ? event.text.replace(MENTION, (_m, name: string) => say(name)) : event.text;
    return { ...event, text, spokenName: say(event.user) };
  });
}
