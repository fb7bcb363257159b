import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_POLICY } from './policy.ts';
import { caption, queueTestKit, takeAllTexts } from './test-kit.ts';

const kit = queueTestKit();
const { paid, moderator, subscriber, viewer } = DEFAULT_QUEUE_POLICY.classes;

describe('takeNext: priority classes', () => {
  it('serves paid, then moderator, then subscriber, then viewer, whatever the arrival order', () => {
    const queue = kit.open();
    queue.enqueue(caption('viewer', { user: 'v', priority: viewer }));
    queue.enqueue(caption('subscriber', { user: 's', priority: subscriber }));
    queue.enqueue(caption('moderator', { user: 'm', priority: moderator }));
    queue.enqueue(caption('paid', { user: 'p', priority: paid, paid: true }));
    queue.enqueue(caption('http 250', { user: 'h', priority: 250 }));
    expect(takeAllTexts(queue)).toEqual(['paid', 'http 250', 'moderator', 'subscriber', 'viewer']);
  });
});

describe('takeNext: fair share inside a priority', () => {
  it('serves five users with one item each before the second item of a user with fifty', () => {
    const queue = kit.open();
    for (let i = 1; i <= 50; i++) queue.enqueue(caption(`hog ${i}`, { user: 'hog' }));
    for (const user of ['a', 'b', 'c', 'd', 'e']) queue.enqueue(caption(`${user} 1`, { user }));
    const order = takeAllTexts(queue);
    expect(order.slice(0, 7)).toEqual(['hog 1', 'a 1', 'b 1', 'c 1', 'd 1', 'e 1', 'hog 2']);
    expect(order.slice(7)).toEqual(Array.from({ length: 48 }, (_, i) => `hog ${i + 3}`));
  });

  it('round-robins users by who was served least recently, each user oldest item first', () => {
    const queue = kit.open();
    for (const [user, text] of [['a', 'a1'], ['a', 'a2'], ['b', 'b1'], ['a', 'a3'], ['b', 'b2'], ['c', 'c1']]) {
      queue.enqueue(caption(text!, { user }));
    }
    expect(takeAllTexts(queue)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  // historyLimit 1 prunes on every insert, forgetting users served before everyone waiting.
  it.each([10_000, 1])('remembers who was served: a user back with one item waits behind those served before them (historyLimit %i)', (historyLimit) => {
    const queue = kit.open({ historyLimit });
    queue.enqueue(caption('a1', { user: 'a' }));
    queue.enqueue(caption('b1', { user: 'b' }));
    queue.enqueue(caption('b2', { user: 'b' }));
    expect(queue.takeNext()?.text).toBe('a1');
    expect(queue.takeNext()?.text).toBe('b1');
    queue.enqueue(caption('a2', { user: 'a' }));
    queue.enqueue(caption('c1', { user: 'c' }));
    // a was served before b: a goes first although b2 is older; c, never served, before both.
    expect(takeAllTexts(queue)).toEqual(['c1', 'a2', 'b2']);
  });

  it('keeps the round robin across a restart', () => {
    const first = kit.open();
    first.enqueue(caption('a1', { user: 'a' }));
    first.enqueue(caption('a2', { user: 'a' }));
    first.enqueue(caption('b1', { user: 'b' }));
    expect(first.takeNext()?.text).toBe('a1');
    first.markPlayed(first.list({ limit: 10, states: ['synthesizing'] })[0]!.id);
    first.close();

    const second = kit.open();
    second.enqueue(caption('c1', { user: 'c' }));
    expect(takeAllTexts(second)).toEqual(['b1', 'c1', 'a2']);
  });

  it('after a restart, serves first the readouts that were in flight', () => {
    const first = kit.open();
    first.enqueue(caption('a1', { user: 'a' }));
    first.enqueue(caption('b1', { user: 'b' }));
    first.enqueue(caption('c1', { user: 'c' }));
    expect(first.takeNext()?.text).toBe('a1');
    first.close(); // a1 was synthesizing: cut by the restart

    const second = kit.open();
    expect(second.recover()).toBe(1);
    expect(takeAllTexts(second)).toEqual(['a1', 'b1', 'c1']);
  });

  it('serves a higher priority first even from a user served more recently', () => {
    const queue = kit.open();
    queue.enqueue(caption('a1', { user: 'a' }));
    queue.enqueue(caption('b1', { user: 'b' }));
    queue.takeNext();
    queue.enqueue(caption('a-sub', { user: 'a', priority: subscriber }));
    expect(takeAllTexts(queue)).toEqual(['a-sub', 'b1']);
  });

  it('forgets nothing that matters when skipped or dropped items leave a lane', () => {
    const queue = kit.open();
    const a1 = queue.enqueue(caption('a1', { user: 'a' })).utterance;
    queue.enqueue(caption('a2', { user: 'a' }));
    const b1 = queue.enqueue(caption('b1', { user: 'b' })).utterance;
    queue.enqueue(caption('c1', { user: 'c' }));
    queue.skip(a1.id);
    queue.drop(b1.id, 'banned');
    expect(takeAllTexts(queue)).toEqual(['a2', 'c1']);
  });
});
