/**
 * The moderation chain: one operator per rule, in an order where cheap drops come first,
 * text is cleaned before it is checked, and the stateful rules (cooldown, duplicates) only
 * remember what passed everything before them. Settings are read per event from the
 * latest value of `settings$`, so changes apply at run time.
 */
import { Observable, pipe, type MonoTypeOperatorFunction } from 'rxjs';
import { bannedWords } from './banned-words.ts';
import { capLength } from './cap-length.ts';
import { collapseRepeats } from './collapse-repeats.ts';
import { cooldown } from './cooldown.ts';
import { dedupe } from './dedupe.ts';
import { denyUsers } from './deny-users.ts';
import { dropEmpty } from './drop-empty.ts';
import { replaceLinks } from './replace-links.ts';
import { roleGate } from './role-gate.ts';
import type { ModerationInput, OnDrop, RuleContext } from './rule-context.ts';
import { DEFAULT_MODERATION_SETTINGS, type ModerationSettings } from './settings.ts';
import { spokenNames } from './spoken-names.ts';
import { stripEmotes } from './strip-emotes.ts';
import { userQueueCap } from './user-queue-cap.ts';

export interface ModerationDeps {
  /** Current settings; until it emits, the defaults apply. */
  settings$: Observable<ModerationSettings>;
  /** Called once per dropped event, with why. */
  onDrop: OnDrop;
  /** Readouts of this user waiting in the queue now. */
  queuedCount(user: string): number;
  nowMs?: () => number;
  /** Users/texts remembered by the cooldown and duplicate rules, each. Default 10 000. */
  maxTrackedKeys?: number;
}

export function moderate<T extends ModerationInput>(deps: ModerationDeps): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let current = DEFAULT_MODERATION_SETTINGS;
      const settingsSubscription = deps.settings$.subscribe({
        next: (settings) => {
          current = settings;
        },
        error: (error: unknown) => subscriber.error(error),
      });
      const ctx: RuleContext = {
        settings: () => current,
        onDrop: deps.onDrop,
        nowMs: deps.nowMs ?? Date.now,
        queuedCount: (user) => deps.queuedCount(user),
        maxTrackedKeys: deps.maxTrackedKeys ?? 10_000,
      };
      const gates = pipe(denyUsers<T>(ctx), roleGate<T>(ctx));
      const cleanText = pipe(
        replaceLinks<T>(ctx),
        stripEmotes<T>(ctx),
        collapseRepeats<T>(ctx),
        bannedWords<T>(ctx),
        dropEmpty<T>(ctx),
        capLength<T>(ctx),
      );
      const limits = pipe(userQueueCap<T>(ctx), cooldown<T>(ctx), dedupe<T>(ctx));
      const chainSubscription = source
        .pipe(gates, cleanText, limits, spokenNames<T>(ctx))
        .subscribe(subscriber);
      return () => {
        chainSubscription.unsubscribe();
        settingsSubscription.unsubscribe();
      };
    });
}
