import { describe, expect, it } from 'vitest';
import { defer, EMPTY, finalize, NEVER, of, Subject, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConfigError } from '../core/errors.ts';
import { limit, type LimitEvent, type LimitOptions } from './limit.ts';

interface Item {
  id: string;
}

type Helpers = Parameters<Parameters<TestScheduler['run']>[0]>[0];
type ColdWork = ReturnType<Helpers['cold']>;

interface Scenario {
  /** Work marble per item id, e.g. { A: '--x|' }; the queue holds the ids in this order. */
  works: Record<string, string>;
  maxInFlight?: number;
  ackTimeoutMs?: number;
  /** Marbles of item ids: a = A, b = B, ... */
  acks?: string;
  cancels?: string;
  wake?: string;
  /** o = open, c = closed. */
  gate?: string;
}

const ID_VALUES = { a: 'A', b: 'B', c: 'C', d: 'D', e: 'E' };

function label(event: LimitEvent<Item, string>): string {
  switch (event.type) {
    case 'output':
      return `output ${event.item.id} ${event.value}`;
    case 'error':
      return `error ${event.item.id} ${String(event.error)}`;
    case 'released':
      return `released ${event.item.id} ${event.reason}`;
    default:
      return `${event.type} ${event.item.id}`;
  }
}

/**
 * Runs a scenario on virtual time. Returns the output as "frame event" lines, what is left
 * in the queue and the peak number of concurrently subscribed works; `check` runs inside
 * the TestScheduler to assert subscription marbles.
 */
function run(scenario: Scenario, check?: (works: Record<string, ColdWork>, helpers: Helpers) => void) {
  const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const log: string[] = [];
  const queue: Item[] = Object.keys(scenario.works).map((id) => ({ id }));
  let activeWorks = 0;
  let peakWorks = 0;
  testScheduler.run((helpers) => {
    const { cold, hot } = helpers;
    const works = Object.fromEntries(Object.entries(scenario.works).map(([id, marble]) => [id, cold(marble)]));
    const options: LimitOptions<Item, string> = {
      take: () => queue.shift(),
      work: (item) =>
        defer(() => {
          activeWorks += 1;
          peakWorks = Math.max(peakWorks, activeWorks);
          return works[item.id]!;
        }).pipe(finalize(() => (activeWorks -= 1))),
      acks$: hot(scenario.acks ?? '', ID_VALUES),
      cancel$: hot(scenario.cancels ?? '', ID_VALUES),
      ackTimeoutMs: () => scenario.ackTimeoutMs ?? 100,
      scheduler: testScheduler,
    };
    if (scenario.maxInFlight !== undefined) options.maxInFlight = scenario.maxInFlight;
    if (scenario.gate !== undefined) options.gate$ = cold(scenario.gate, { o: true, c: false });
    const wake$: Observable<unknown> = hot(scenario.wake ?? '');
    wake$.pipe(limit(options)).subscribe({
      next: (event) => log.push(`${testScheduler.now()} ${label(event)}`),
      error: (error) => log.push(`${testScheduler.now()} failed ${String(error)}`),
      complete: () => log.push(`${testScheduler.now()} done`),
    });
    check?.(works, helpers);
  });
  return { log, left: queue.map((item) => item.id), peakWorks };
}

describe('limit', () => {
  it('prefetches the next item while the first plays, and starts the third only on the first ack', () => {
    const { log } = run({ works: { A: '--x|', B: '--y|', C: '-z|' }, acks: '------a---b' }, (works, { expectSubscriptions }) => {
      expectSubscriptions(works.A!.subscriptions).toBe('^--!');
      expectSubscriptions(works.B!.subscriptions).toBe('^--!'); // prefetched before A is acked
      expectSubscriptions(works.C!.subscriptions).toBe('------^-!'); // A's ack freed the slot
    });
    expect(log).toEqual([
      '0 start A',
      '0 start B',
      '2 output A x',
      '2 output B y',
      '3 complete A',
      '3 complete B',
      '6 released A ack',
      '6 start C',
      '7 output C z',
      '8 complete C',
      '10 released B ack',
      '110 released C timeout',
    ]);
  });

  it('never holds more than maxInFlight items and takes nothing it cannot start', () => {
    const { log, left, peakWorks } = run({
      works: { A: '-', B: '-', C: '-', D: '-', E: '-' },
      maxInFlight: 3,
      wake: 'x-x-x',
      acks: '---b--a',
    });
    expect(peakWorks).toBe(3);
    expect(log.filter((line) => line.includes('start'))).toEqual(['0 start A', '0 start B', '0 start C', '3 start D', '6 start E']);
    expect(left).toEqual([]);

    const held = run({ works: { A: '-', B: '-', C: '-', D: '-' }, wake: 'x-x-x' });
    expect(held.peakWorks).toBe(2);
    expect(held.left).toEqual(['C', 'D']);
  });

  it('counts a played-but-unacked item against the bound', () => {
    const { log, left } = run({ works: { A: '|', B: '|', C: '|' }, ackTimeoutMs: 1_000, acks: '-----a' });
    expect(log).toEqual([
      '0 start A',
      '0 start B',
      '0 complete A',
      '0 complete B', // both done, neither acked: C must wait
      '5 released A ack',
      '5 start C',
      '5 complete C',
      '1005 released B timeout',
      '2005 released C timeout',
    ]);
    expect(left).toEqual([]);
  });

  it('frees the slot after ackTimeoutMs from when the item is oldest and its work complete', () => {
    const { log } = run({ works: { A: '--|', B: '-----|', C: '--|' }, ackTimeoutMs: 10 });
    expect(log).toEqual([
      '0 start A',
      '0 start B',
      '2 complete A', // A is oldest and done: its timer starts
      '5 complete B', // B is done but not oldest: no timer yet
      '12 released A timeout',
      '12 start C',
      '14 complete C',
      '22 released B timeout', // B's timer started when it became oldest at 12
      '32 released C timeout',
    ]);
  });

  it('an ack before the timeout cancels the timer', () => {
    const { log } = run({ works: { A: '--|' }, ackTimeoutMs: 10, acks: '-----a' });
    expect(log).toEqual(['0 start A', '2 complete A', '5 released A ack']);
  });

  it('cancel unsubscribes the work at once and starts the next item', () => {
    const { log } = run(
      { works: { A: '-a--b-c-d|', B: '-', C: '-x' }, cancels: '---a' },
      (works, { expectSubscriptions }) => {
        expectSubscriptions(works.A!.subscriptions).toBe('^--!');
        expectSubscriptions(works.C!.subscriptions).toBe('---^');
      },
    );
    expect(log).toEqual(['0 start A', '0 start B', '1 output A a', '3 released A cancel', '3 start C', '4 output C x']);
  });

  it('cancel of an item that is not in flight does nothing', () => {
    const { log } = run({ works: { A: '-' }, cancels: '-b' });
    expect(log).toEqual(['0 start A']);
  });

  it('a work error is reported, then its slot is released and the next item starts', () => {
    const { log } = run({ works: { A: '-#', B: '-', C: '-' } });
    expect(log).toEqual(['0 start A', '0 start B', '1 error A error', '1 released A error', '1 start C']);
  });

  it('a closed gate starts nothing; in-flight work continues; reopening starts items', () => {
    const { log } = run(
      { works: { A: '-', B: '----x', C: '-' }, gate: 'c--o-c---o', wake: '-x----x', acks: '------a' },
      (works, { expectSubscriptions }) => {
        expectSubscriptions(works.C!.subscriptions).toBe('---------^');
      },
    );
    expect(log).toEqual([
      '3 start A',
      '3 start B',
      '6 released A ack', // gate closed at 5: C waits
      '7 output B x', // B keeps working while the gate is closed
      '9 start C',
    ]);
  });

  it('with no gate$ it is open; with a gate$ it is closed until the gate says open', () => {
    expect(run({ works: { A: '-' }, gate: '' }).log).toEqual([]);
    expect(run({ works: { A: '-' } }).log).toEqual(['0 start A']);
  });

  it('on source completion starts nothing new and completes once in-flight items are released', () => {
    const { log, left } = run({ works: { A: '--|', B: '----|', C: '-' }, wake: '-|', acks: '---a--b' });
    expect(log).toEqual([
      '0 start A',
      '0 start B',
      '2 complete A',
      '3 released A ack',
      '4 complete B',
      '6 released B ack',
      '6 done',
    ]);
    expect(left).toEqual(['C']);
  });

  it('unsubscribing tears down in-flight work', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const work = cold('-a-b-c');
      const queue = [{ id: 'A' }];
      const events$ = hot('').pipe(
        limit<Item, string>({
          take: () => queue.shift(),
          work: () => work,
          acks$: hot(''),
          cancel$: hot(''),
          ackTimeoutMs: () => 100,
        }),
      );
      expectObservable(events$, '^--!').toBe('so', {
        s: { type: 'start', item: { id: 'A' } },
        o: { type: 'output', item: { id: 'A' }, value: 'a' },
      });
      expectSubscriptions(work.subscriptions).toBe('^--!');
    });
  });

  it('stays bounded when take() and subscribers re-enter synchronously (like queue.changes$)', () => {
    const wake$ = new Subject<void>();
    const acks$ = new Subject<string>();
    const queue = ['A', 'B', 'C', 'D'].map((id) => ({ id }));
    const log: string[] = [];
    wake$
      .pipe(
        limit<Item, string>({
          take: () => {
            const item = queue.shift();
            wake$.next(); // the queue announces its own transition
            return item;
          },
          work: () => of('x'),
          acks$,
          cancel$: EMPTY,
          ackTimeoutMs: () => 60_000,
        }),
      )
      .subscribe((event) => {
        log.push(label(event));
        if (event.type === 'complete' && event.item.id === 'A') acks$.next('A'); // ack while the fill loop runs
      });
    wake$.next();
    expect(log.filter((line) => line.startsWith('start'))).toEqual(['start A', 'start B', 'start C']);
    expect(queue).toEqual([{ id: 'D' }]);
  });

  it('errors the stream when take() fails (e.g. StorageError)', () => {
    const failure = new Error('disk gone');
    const errors: unknown[] = [];
    NEVER.pipe(
      limit<Item, string>({
        take: () => {
          throw failure;
        },
        work: () => EMPTY,
        acks$: EMPTY,
        cancel$: EMPTY,
        ackTimeoutMs: () => 1,
      }),
    ).subscribe({ error: (error) => errors.push(error) });
    expect(errors).toEqual([failure]);
  });

  it('rejects a maxInFlight below 1', () => {
    const options = { take: () => undefined, work: () => EMPTY, acks$: EMPTY, cancel$: EMPTY, ackTimeoutMs: () => 1 };
    expect(() => limit({ ...options, maxInFlight: 0 })).toThrow(ConfigError);
  });
});
