/** Test harness for single moderation rules: settings, a manual clock, recorded drops. */
import { Subject, type MonoTypeOperatorFunction } from 'rxjs';
import type { DropReason, ModerationInput, RuleContext } from './rule-context.ts';
import { ModerationSettings, type ModerationSettingsInput } from './settings.ts';

export function chat(text: string, fields: Partial<ModerationInput> = {}): ModerationInput {
  return { text, user: 'alice', source: 'twitch', roles: ['viewer'], ...fields };
}

export interface RuleHarness {
  ctx: RuleContext;
  drops: { reason: DropReason; text: string; user: string }[];
  /** Replaces the settings in force (parsed, so defaults fill the rest). */
  setSettings(input: ModerationSettingsInput): void;
  advanceMs(ms: number): void;
  /** Runs events through the rule synchronously and returns what passed. */
  run(rule: (ctx: RuleContext) => MonoTypeOperatorFunction<ModerationInput>, events: ModerationInput[]): ModerationInput[];
  /** A live rule: push events one by one (e.g. between clock advances). */
  open(rule: (ctx: RuleContext) => MonoTypeOperatorFunction<ModerationInput>): { push(e: ModerationInput): void; out: ModerationInput[] };
}

export function ruleHarness(input: ModerationSettingsInput = {}, queued: Record<string, number> = {}): RuleHarness {
  let settings = ModerationSettings.parse(input);
  let now = 1_000_000;
  const drops: RuleHarness['drops'] = [];
  const ctx: RuleContext = {
    settings: () => settings,
    onDrop: (reason, event) => drops.push({ reason, text: event.text, user: event.user }),
    nowMs: () => now,
    queuedCount: (user) => queued[user] ?? 0,
    maxTrackedKeys: 100,
  };
  const open: RuleHarness['open'] = (rule) => {
    const in$ = new Subject<ModerationInput>();
    const out: ModerationInput[] = [];
    in$.pipe(rule(ctx)).subscribe((e) => out.push(e));
    return { push: (e) => in$.next(e), out };
  };
  return {
    ctx,
    drops,
    setSettings: (next) => {
      settings = ModerationSettings.parse(next);
    },
    advanceMs: (ms) => {
      now += ms;
    },
    open,
    run(rule, events) {
      const live = open(rule);
      events.forEach(live.push);
      return live.out;
    },
  };
}
