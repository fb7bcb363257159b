import { BehaviorSubject, NEVER, Subject, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { SourceCaption } from '../core/source.ts';
import { moderate } from './moderate.ts';
import type { DropReason } from './rule-context.ts';
import { ModerationSettings } from './settings.ts';

function caption(text: string, fields: Partial<SourceCaption> = {}): SourceCaption {
  return {
    type: 'caption',
    kind: 'chat',
    text,
    user: 'alice',
    roles: ['viewer'],
    messageId: Math.random().toString(16),
    source: 'twitch',
    receivedAtMs: 0,
    ...fields,
  };
}

function setup(settings = ModerationSettings.parse({}), queued: Record<string, number> = {}) {
  const settings$ = new BehaviorSubject(settings);
  const in$ = new Subject<SourceCaption>();
  const out: SourceCaption[] = [];
  const drops: [DropReason, string][] = [];
  let now = 0;
  const subscription = in$
    .pipe(
      moderate<SourceCaption>({
        settings$,
        onDrop: (reason, event) => drops.push([reason, event.text]),
        queuedCount: (user) => queued[user] ?? 0,
        nowMs: () => now,
      }),
    )
    .subscribe((e) => out.push(e));
  return { settings$, in$, out, drops, subscription, advanceMs: (ms: number) => (now += ms) };
}

describe('moderate (the whole chain)', () => {
  it('cleans text, keeps the caption fields, and sets spokenName', () => {
    const t = setup(ModerationSettings.parse({ users: { spokenNames: { alice: 'Ally' } } }));
    t.in$.next(caption('loooooool check https://spam.example/x 😂😂😂 @alice', { messageId: 'm1', kind: 'bits' }));
    expect(t.out).toEqual([
      expect.objectContaining({ text: 'loool check link Ally', spokenName: 'Ally', messageId: 'm1', kind: 'bits', type: 'caption' }),
    ]);
  });

  it('counts every drop with its reason', () => {
    const t = setup(
      ModerationSettings.parse({ bannedWords: { words: ['darn'] }, roles: { allowed: ['subscriber'] }, maxQueuedPerUser: 1 }),
      { hog: 1 },
    );
    t.in$.next(caption('hi', { user: 'Nightbot' }));
    t.in$.next(caption('viewer only', { roles: ['viewer'] }));
    t.in$.next(caption('darn', { roles: ['subscriber'] }));
    t.in$.next(caption('😂😂', { roles: ['subscriber'] }));
    t.in$.next(caption('one more', { user: 'hog', roles: ['subscriber'] }));
    t.in$.next(caption('first', { roles: ['subscriber'] }));
    t.in$.next(caption('second', { roles: ['subscriber'] }));
    t.in$.next(caption('first', { user: 'bob', roles: ['subscriber'] }));
    expect(t.out.map((e) => e.text)).toEqual(['first']);
    expect(t.drops).toEqual([
      ['denied-user', 'hi'],
      ['role', 'viewer only'],
      ['banned-word', 'darn'],
      ['empty', ''],
      ['user-queue-full', 'one more'],
      ['cooldown', 'second'],
      ['duplicate', 'first'],
    ]);
  });

  it('applies new settings at run time', () => {
    const t = setup();
    t.in$.next(caption('a'.repeat(10), { user: 'u1' }));
    t.settings$.next(ModerationSettings.parse({ repeats: { enabled: false }, length: { maxChars: 5 } }));
    t.in$.next(caption('a'.repeat(10), { user: 'u2' }));
    expect(t.out.map((e) => e.text)).toEqual(['aaa', 'aaaaa']);
  });

  it('uses the defaults until settings$ emits', () => {
    const out: SourceCaption[] = [];
    const in$ = new Subject<SourceCaption>();
    in$.pipe(moderate<SourceCaption>({ settings$: NEVER, onDrop: () => {}, queuedCount: () => 0 })).subscribe((e) => out.push(e));
    in$.next(caption('hi', { user: 'Nightbot' }));
    in$.next(caption('see https://x.io'));
    expect(out.map((e) => e.text)).toEqual(['see link']);
  });

  it('fails the output when settings$ fails, and unsubscribes from settings$ on teardown', () => {
    let error: unknown;
    new Subject<SourceCaption>()
      .pipe(moderate<SourceCaption>({ settings$: throwError(() => new Error('bad settings')), onDrop: () => {}, queuedCount: () => 0 }))
      .subscribe({ error: (e: unknown) => (error = e) });
    expect(error).toEqual(new Error('bad settings'));

    const t = setup();
    expect(t.settings$.observed).toBe(true);
    t.subscription.unsubscribe();
    expect(t.settings$.observed).toBe(false);
  });

  it('keeps per-subscription state: cooldowns of one pipeline do not leak into another', () => {
    const a = setup();
    const b = setup();
    a.in$.next(caption('x1'));
    b.in$.next(caption('x2'));
    expect([a.out.length, b.out.length]).toEqual([1, 1]);
  });
});
