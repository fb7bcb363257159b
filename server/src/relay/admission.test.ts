import { of, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import type { SourceCaption } from '../core/source.ts';
import { createMetrics } from '../metrics/registry.ts';
import { ModerationSettings } from '../moderation/settings.ts';
import { DEFAULT_QUEUE_POLICY } from '../queue/policy.ts';
import { queueTestKit } from '../queue/test-kit.ts';
import { createAdmission } from './admission.ts';

const kit = queueTestKit();
const BANNED = ModerationSettings.parse({ bannedWords: { words: ['spoiler'] } });

function admissionOnQueue(maxQueued = 100) {
  const queue = kit.open({ maxQueued });
  const metrics = createMetrics();
  let wakes = 0;
  const admission = createAdmission({
    queue,
    metrics,
    log: silentLogger,
    maxTextChars: 50,
    dedupeWindowMs: 10_000,
    moderation$: of(BANNED),
    policy: () => DEFAULT_QUEUE_POLICY,
    admitted: () => (wakes += 1),
  });
  return { queue, metrics, admission, wakes: () => wakes };
}

const chat = (text: string, extra: Partial<SourceCaption> = {}): SourceCaption => ({
  type: 'caption',
  kind: 'chat',
  text,
  user: 'viewer1',
  roles: ['viewer'],
  messageId: `m-${text}`,
  source: 'twitch',
  receivedAtMs: Date.now(),
  ...extra,
});

describe('admission', () => {
  it("the streamer's own caption skips the viewer rules, keeps its priority and is queued before the answer", () => {
    const { queue, admission, wakes } = admissionOnQueue();
    const { id, duplicate } = admission.fromStreamer({ text: 'no spoiler today', user: '  streamer ', priority: 7 });
    expect(duplicate).toBe(false);
    expect(queue.get(id)).toMatchObject({ text: 'no spoiler today', user: 'streamer', source: 'http', priority: 7, state: 'queued' });
    expect(wakes()).toBe(1);
  });

  it('a source caption passes the viewer rules (a banned word drops it) and gets its priority class', async () => {
    const { queue, metrics, admission, wakes } = admissionOnQueue();
    const captions$ = new Subject<SourceCaption>();
    const running = admission.fromSources(captions$);
    captions$.next(chat('a spoiler here'));
    captions$.next(chat('hello chat'));
    captions$.next(chat('cheer for you', { kind: 'bits', paidAmount: { value: 100, currency: 'bits' }, user: 'payer' }));
    running.unsubscribe();
    const queued = queue.list({ limit: 10, states: ['queued'] });
    expect(queued.map((u) => [u.text, u.priority, u.paid === true])).toEqual([
      ['cheer for you', DEFAULT_QUEUE_POLICY.classes.paid, true],
      ['hello chat', DEFAULT_QUEUE_POLICY.classes.viewer, false],
    ]);
    expect(wakes()).toBe(2);
    const dropped = (await metrics.sourceDroppedTotal.get()).values.map((v) => [v.labels.reason, v.value]);
    expect(dropped).toEqual([['banned-word', 1]]);
  });

  it('bad streamer input throws a typed error and is counted as rejected; a refused source caption is counted, never thrown', async () => {
    const { admission, metrics } = admissionOnQueue(1);
    expect(() => admission.fromStreamer({ text: 42 as unknown as string })).toThrow(ValidationError);
    expect(() => admission.fromStreamer({ text: 'x'.repeat(51) })).toThrow(/the limit is 50/);
    const captions$ = new Subject<SourceCaption>();
    const running = admission.fromSources(captions$);
    captions$.next(chat('first'));
    expect(() => captions$.next(chat('second', { user: 'viewer2' }))).not.toThrow();
    expect(running.closed).toBe(false);
    const rejected = (await metrics.captionsTotal.get()).values.filter((v) => v.labels.result === 'rejected').map((v) => [v.labels.source, v.value]);
    // A body without a text string is refused before admission counts it (a malformed request, not a caption).
    expect(rejected).toEqual([
      ['http', 1],
      ['twitch', 1],
    ]);
    const dropped = (await metrics.sourceDroppedTotal.get()).values.map((v) => [v.labels.reason, v.value]);
    expect(dropped).toEqual([['queue_full', 1]]);
  });
});
