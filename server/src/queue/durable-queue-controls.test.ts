/** DurableQueue: the streamer's and moderators' controls (pause, clear, ban, delete, replay). */
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { Utterance } from '../core/types.ts';
import { DEFAULT_QUEUE_POLICY } from './policy.ts';
import { caption, queueTestKit, takeAllTexts } from './test-kit.ts';

const kit = queueTestKit();
const paid = { priority: DEFAULT_QUEUE_POLICY.classes.paid, paid: true };

function states(queue: ReturnType<typeof kit.open>): string[] {
  return queue.list({ limit: 20, states: ['queued', 'synthesizing', 'playing', 'played', 'skipped', 'dropped'] }).map(
    (u) => `${u.text}:${u.state}${u.reason ? `:${u.reason}` : ''}`,
  );
}

describe('pause', () => {
  it('is persisted across a reopen and announced on paused$', () => {
    const first = kit.open();
    const seen: boolean[] = [];
    first.paused$.subscribe((p) => seen.push(p));
    expect(first.isPaused()).toBe(false);
    expect(first.setPaused(true)).toBe(true);
    expect(first.setPaused(true)).toBe(false);
    expect(first.isPaused()).toBe(true);
    expect(seen).toEqual([false, true]);
    first.close();

    const second = kit.open();
    expect(second.isPaused()).toBe(true);
    const seenAfter: boolean[] = [];
    second.paused$.subscribe((p) => seenAfter.push(p));
    second.setPaused(false);
    expect(seenAfter).toEqual([true, false]);
    second.close();
    expect(kit.open().isPaused()).toBe(false);
  });

  it('does not stop takeNext by itself (the limiter gate does)', () => {
    const queue = kit.open();
    queue.enqueue(caption('a'));
    queue.setPaused(true);
    expect(queue.takeNext()?.text).toBe('a');
  });
});

describe('dropUser', () => {
  it('drops the user’s queued and in-flight readouts and returns the in-flight ids to cancel', () => {
    const queue = kit.open();
    const playing = queue.enqueue(caption('playing', { user: 'Troll' })).utterance;
    const synthesizing = queue.enqueue(caption('synthesizing', { user: 'troll' })).utterance;
    queue.enqueue(caption('other', { user: 'nice' }));
    queue.enqueue(caption('queued', { user: 'TROLL' }));
    queue.takeNext();
    queue.markPlaying(playing.id);
    queue.takeNext();
    expect(queue.get(synthesizing.id)?.state).toBe('synthesizing');
    queue.skip(queue.enqueue(caption('already skipped', { user: 'troll' })).utterance.id);

    const emitted: Utterance[] = [];
    queue.changes$.subscribe((u) => emitted.push(u));
    expect(queue.countQueuedByUser('TROLL')).toBe(1); // in-flight and skipped ones are not waiting
    expect(queue.dropUser('troll')).toEqual({ dropped: 3, inFlightIds: [playing.id, synthesizing.id] });
    expect(queue.countQueuedByUser('troll')).toBe(0);
    expect(emitted.map((u) => `${u.text}:${u.state}:${u.reason}`)).toEqual([
      'playing:dropped:banned',
      'synthesizing:dropped:banned',
      'queued:dropped:banned',
    ]);
    expect(takeAllTexts(queue)).toEqual(['other']);
    expect(queue.dropUser('troll', 'timeout')).toEqual({ dropped: 0, inFlightIds: [] });
  });
});

describe('dropMessage', () => {
  it('drops the readout carrying that message id, queued or in flight', () => {
    const queue = kit.open();
    const first = queue.enqueue(caption('first', { user: 'a', messageId: 'm-1' })).utterance;
    queue.enqueue(caption('second', { user: 'b', messageId: 'm-2' }));
    expect(first.messageId).toBe('m-1');
    queue.takeNext();
    expect(queue.dropMessage('m-1')).toEqual({ dropped: 1, inFlightIds: [first.id] });
    expect(queue.dropMessage('m-2', 'deleted by mod')).toEqual({ dropped: 1, inFlightIds: [] });
    expect(queue.dropMessage('m-3')).toEqual({ dropped: 0, inFlightIds: [] });
    expect(states(queue)).toEqual(['second:dropped:deleted by mod', 'first:dropped:deleted']);
  });
});

describe('clear', () => {
  it('skips every queued readout but the paid ones, leaving in-flight ones alone', () => {
    const queue = kit.open();
    queue.enqueue(caption('in flight', { user: 'a' }));
    queue.takeNext();
    queue.enqueue(caption('q1', { user: 'b' }));
    queue.enqueue(caption('paid', { user: 'c', ...paid }));
    queue.enqueue(caption('q2', { user: 'd' }));
    expect(queue.clear({ includePaid: false })).toEqual({ cleared: 2, keptPaid: 1 });
    expect(states(queue)).toEqual(['in flight:synthesizing', 'paid:queued', 'q2:skipped:cleared', 'q1:skipped:cleared']);
    expect(queue.clear({ includePaid: true })).toEqual({ cleared: 1, keptPaid: 0 });
    expect(queue.countActive()).toBe(1);
  });
});

describe('replay', () => {
  it('queues a finished readout again under a new id, from the panel', () => {
    const queue = kit.open({ now: () => 5_000 });
    const original = queue.enqueue(caption('again', { user: 'a', source: 'twitch', ...paid, voice: 'v', lang: 'en', messageId: 'm' })).utterance;
    queue.takeNext();
    queue.markPlayed(original.id);
    const { utterance } = queue.replay(original.id);
    expect(utterance).toEqual({
      id: expect.not.stringMatching(original.id),
      text: 'again',
      user: 'a',
      source: 'panel',
      priority: paid.priority,
      voice: 'v',
      lang: 'en',
      receivedAtMs: 5_000,
      state: 'queued',
      updatedAtMs: 5_000,
    });
    expect(queue.get(original.id)?.state).toBe('played');
  });

  it('refuses unknown ids (404) and readouts still active (409)', () => {
    const queue = kit.open();
    const waiting = queue.enqueue(caption('waiting')).utterance;
    expect(() => queue.replay('nope')).toThrow(NotFoundError);
    expect(() => queue.replay(waiting.id)).toThrow(ValidationError);
    expect(() => queue.replay(waiting.id)).toThrow(expect.objectContaining({ code: 'not_finished', httpStatus: 409 }));
  });
});

describe('requeue', () => {
  it('puts a readout no engine could speak back in the queue, only from synthesizing', () => {
    const queue = kit.open();
    const a = queue.enqueue(caption('waits out the outage', { user: 'a' })).utterance;
    expect(queue.requeue(a.id)).toBeUndefined(); // still queued: nothing to do
    expect(queue.takeNext()?.id).toBe(a.id);
    expect(queue.requeue(a.id)).toMatchObject({ id: a.id, state: 'queued' });
    expect(queue.countActive()).toBe(1);
    expect(queue.takeNext()?.id).toBe(a.id); // taken again
    queue.markPlayed(a.id);
    expect(queue.requeue(a.id)).toBeUndefined(); // final: never comes back
  });
});
