import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { OverlayEvent } from '../../server/src/core/protocol.ts';
import type { ReadoutEvent } from './readout-events.ts';
import { spokenLineEvents } from './spoken-line-events.ts';

describe('spokenLineEvents', () => {
  it('turns a timed final line into words, a start and a stop after its duration; partials and untimed lines give nothing', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ flush }) => {
      const events$ = new Subject<OverlayEvent>();
      const out: { atMs: number; e: ReadoutEvent }[] = [];
      spokenLineEvents(events$, scheduler).subscribe((e) => out.push({ atMs: scheduler.now(), e }));
      events$.next({ type: 'subtitle:line', data: { id: 's1', text: 'Hello', final: false } });
      events$.next({ type: 'subtitle:line', data: { id: 'asr', text: 'no timing', final: true } });
      events$.next({
        type: 'subtitle:line',
        data: {
          id: 's1',
          text: 'Hello, world.',
          final: true,
          durationMs: 900,
          startedAtMs: 1,
          words: [
            { text: 'Hello', startMs: 0, endMs: 400 },
            { text: 'world', startMs: 450, endMs: 900 },
          ],
        },
      });
      flush();
      expect(out).toEqual([
        { atMs: 0, e: { type: 'words', id: 's1', words: [{ text: 'Hello,', startMs: 0, endMs: 400 }, { text: ' world.', startMs: 450, endMs: 900 }] } },
        { atMs: 0, e: { type: 'start', id: 's1' } },
        { atMs: 900, e: { type: 'stop', id: 's1' } },
      ]);
    });
  });
});
