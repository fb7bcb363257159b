import { describe, expect, it } from 'vitest';
import { DEFAULT_LEAD_MS, JitterBuffer, renderQuantumMs, type ScheduleOp, type TickEvent, type TickResult } from './jitter-buffer.ts';

const starts = (ops: ScheduleOp[]) =>
  ops.filter((o): o is Extract<ScheduleOp, { op: 'start' }> => o.op === 'start').map((o) => [o.id, o.seq, round(o.atSec)]);
const round = (x: number) => Math.round(x * 1e6) / 1e6;
const ids = (t: TickResult, type: TickEvent['type']) => t.events.filter((e) => e.type === type).map((e) => e.id);

/** Feed `n` contiguous chunks of `ms` each; returns all ops. */
function feed(jb: JitterBuffer, id: string, n: number, ms: number, now: number, firstSeq = 0): ScheduleOp[] {
  const ops: ScheduleOp[] = [];
  for (let i = 0; i < n; i++) ops.push(...jb.addChunk(id, firstSeq + i, (firstSeq + i) * ms, ms, now).ops);
  return ops;
}

describe('JitterBuffer placement', () => {
  it('starts a lone utterance lead after its first chunk and schedules chunks contiguously', () => {
    const jb = new JitterBuffer({ leadMs: 60 });
    expect(jb.begin('a', 10)).toBe('ok');
    const ops = feed(jb, 'a', 3, 100, 10);
    expect(starts(ops)).toEqual([
      ['a', 0, 10.06],
      ['a', 1, 10.16],
      ['a', 2, 10.26],
    ]);
    jb.end('a', 300, 10);
    expect(jb.timeline('a')).toMatchObject({ baseSec: 10.06, sealed: true });
    expect(round(jb.timeline('a')!.endSec!)).toBe(10.36);
  });

  it('holds chunks that arrive before utterance placement is possible (previous not ended)', () => {
    const jb = new JitterBuffer({ leadMs: 60 });
    jb.begin('a', 0);
    feed(jb, 'a', 5, 100, 0); // a: 0.06 .. 0.56, not ended yet
    jb.begin('b', 0.01);
    const early = jb.addChunk('b', 0, 0, 100, 0.01);
    expect(early.result).toBe('buffered');
    expect(early.ops).toEqual([]);
    // a ends: b is placed exactly at a's end, back to back.
    const ops = jb.end('a', 500, 0.02);
    expect(starts(ops)).toEqual([['b', 0, 0.56]]);
    expect(jb.timeline('b')!.baseSec).toBeCloseTo(jb.timeline('a')!.endSec!, 9);
    // later chunks of b follow on b's clock
    expect(starts(jb.addChunk('b', 1, 100, 100, 0.03).ops)).toEqual([['b', 1, 0.66]]);
  });

  it('places the next utterance back to back with the previous end, not now + lead, while it plays', () => {
    const jb = new JitterBuffer({ leadMs: 60 });
    jb.begin('a', 0);
    feed(jb, 'a', 10, 100, 0);
    jb.end('a', 1000, 0);
    jb.begin('b', 0.5);
    const ops = feed(jb, 'b', 2, 100, 0.5);
    expect(starts(ops)).toEqual([
      ['b', 0, 1.06],
      ['b', 1, 1.16],
    ]);
  });

  it('starts at now + lead when the previous utterance already finished long ago', () => {
    const jb = new JitterBuffer({ leadMs: 60 });
    jb.begin('a', 0);
    feed(jb, 'a', 1, 100, 0);
    jb.end('a', 100, 0);
    jb.tick(5);
    jb.begin('b', 5);
    expect(starts(feed(jb, 'b', 1, 100, 5))).toEqual([['b', 0, 5.06]]);
  });

  it('reports start then end on the audio clock, in order', () => {
    const jb = new JitterBuffer({ leadMs: 60 });
    jb.begin('a', 0);
    feed(jb, 'a', 2, 100, 0);
    jb.end('a', 200, 0);
    expect(ids(jb.tick(0.05), 'started')).toEqual([]);
    const t1 = jb.tick(0.07);
    expect(ids(t1, 'started')).toEqual(['a']);
    expect(ids(t1, 'finished')).toEqual([]);
    expect(ids(jb.tick(0.25), 'finished')).toEqual([]);
    const t2 = jb.tick(0.27);
    expect(ids(t2, 'finished')).toEqual(['a']);
    expect(jb.finishedOutcome('a')).toBe('played');
    expect(jb.has('a')).toBe(false);
  });

  it('reports the previous end before the next start when they coincide', () => {
    const jb = new JitterBuffer({ leadMs: 60 });
    for (const id of ['a', 'b']) {
      jb.begin(id, 0);
      feed(jb, id, 1, 100, 0);
      jb.end(id, 100, 0);
    }
    jb.tick(0.1);
    expect(jb.tick(0.17).events.map((e) => `${e.type}:${e.id}`)).toEqual(['finished:a', 'started:b']);
  });

  it('does not report the end before utterance:end even if all received audio played', () => {
    const jb = new JitterBuffer({ leadMs: 60, stallMs: 10_000 });
    jb.begin('a', 0);
    feed(jb, 'a', 1, 100, 0);
    jb.tick(0.1);
    expect(ids(jb.tick(1), 'finished')).toEqual([]);
    jb.end('a', 100, 1);
    expect(ids(jb.tick(1.01), 'finished')).toEqual(['a']);
  });

  it('plays an utterance ended without audio as an empty one so acks still flow', () => {
    const jb = new JitterBuffer({ leadMs: 60 });
    jb.begin('a', 0);
    jb.end('a', 0, 0);
    const t = jb.tick(0.1);
    expect(ids(t, 'started')).toEqual(['a']);
    expect(ids(t, 'finished')).toEqual(['a']);
  });
});

describe('JitterBuffer underruns', () => {
  it('shifts the rest of the utterance on a late chunk, counts it and grows the lead', () => {
    const jb = new JitterBuffer({ leadMs: 60, maxLeadMs: 300, growFactor: 1.5, safetyMs: 10 });
    jb.begin('a', 0);
    feed(jb, 'a', 2, 100, 0); // 0.06 .. 0.26
    // chunk 2 should start at 0.26 but arrives at 0.3: late
    const late = jb.addChunk('a', 2, 200, 100, 0.3);
    expect(late.result).toBe('underrun');
    expect(jb.counters.underruns).toBe(1);
    expect(jb.leadMs).toBeCloseTo(90, 6);
    // placed at now + grown lead, never overlapping what was already scheduled
    expect(starts(late.ops)).toEqual([['a', 2, 0.39]]);
    // the following chunk keeps the shift: contiguous after the late one
    expect(starts(jb.addChunk('a', 3, 300, 100, 0.31).ops)).toEqual([['a', 3, 0.49]]);
    jb.end('a', 400, 0.32);
    expect(round(jb.timeline('a')!.endSec!)).toBe(0.59);
    expect(jb.timeline('a')!.underruns).toBe(1);
  });

  it('caps the lead and decays it back after clean utterances', () => {
    const jb = new JitterBuffer({ leadMs: 60, maxLeadMs: 120, growFactor: 1.5, decayFactor: 0.5 });
    jb.begin('a', 0);
    jb.addChunk('a', 0, 0, 100, 0);
    let now = 0;
    for (let seq = 1; seq <= 4; seq++) {
      now += 1; // every chunk arrives a second late
      expect(jb.addChunk('a', seq, seq * 100, 100, now).result).toBe('underrun');
    }
    expect(jb.leadMs).toBe(120);
    jb.end('a', 500, now);
    jb.tick(now + 1);
    expect(jb.leadMs).toBe(120); // no decay after an utterance that underran
    let t = now + 1;
    for (let i = 0; i < 3; i++) {
      const id = `clean${i}`;
      jb.begin(id, t);
      jb.addChunk(id, 0, 0, 100, t);
      jb.end(id, 100, t);
      t += 1;
      jb.tick(t);
    }
    expect(jb.leadMs).toBeCloseTo(60 + 60 / 8, 6);
  });

  it('uses the grown lead for the next utterance start', () => {
    const jb = new JitterBuffer({ leadMs: 60, growFactor: 2 });
    jb.begin('a', 0);
    jb.addChunk('a', 0, 0, 100, 0);
    jb.addChunk('a', 1, 100, 100, 1);
    jb.end('a', 200, 1);
    jb.tick(5);
    jb.begin('b', 5);
    expect(starts(jb.addChunk('b', 0, 0, 100, 5).ops)).toEqual([['b', 0, 5.12]]);
  });

  it('ignores duplicate chunks (replay after reconnect) without rescheduling', () => {
    const jb = new JitterBuffer();
    jb.begin('a', 0);
    feed(jb, 'a', 3, 100, 0);
    expect(jb.begin('a', 0.1)).toBe('duplicate');
    const again = jb.addChunk('a', 1, 100, 100, 0.1);
    expect(again).toEqual({ result: 'duplicate', ops: [] });
    expect(jb.counters.duplicateChunks).toBe(1);
    expect(jb.counters.scheduledChunks).toBe(3);
  });
});

describe('JitterBuffer cancel', () => {
  it('stops the playing utterance and pulls the next one forward to now + lead', () => {
    const jb = new JitterBuffer({ leadMs: 60 });
    jb.begin('a', 0);
    feed(jb, 'a', 20, 100, 0); // 0.06 .. 2.06
    jb.end('a', 2000, 0);
    jb.begin('b', 0);
    expect(starts(feed(jb, 'b', 2, 100, 0))).toEqual([
      ['b', 0, 2.06],
      ['b', 1, 2.16],
    ]);
    jb.end('b', 200, 0);
    jb.begin('c', 0);
    feed(jb, 'c', 1, 100, 0);
    jb.end('c', 100, 0);
    jb.tick(0.5); // a playing
    const ops = jb.cancel('a', 0.5);
    expect(ops[0]).toEqual({ op: 'stop', id: 'a' });
    expect(ops).toContainEqual({ op: 'stop', id: 'b' });
    expect(starts(ops)).toEqual([
      ['b', 0, 0.56],
      ['b', 1, 0.66],
      ['c', 0, 0.76],
    ]);
    expect(jb.finishedOutcome('a')).toBe('cancelled');
    expect(jb.timeline('a')).toMatchObject({ outcome: 'cancelled', endSec: 0.5 });
    const t = jb.tick(0.57);
    expect(ids(t, 'started')).toEqual(['b']);
    expect(ids(t, 'finished')).toEqual([]); // no end for the cancelled one
  });

  it('cancelling a queued utterance closes the gap after the playing one', () => {
    const jb = new JitterBuffer({ leadMs: 60 });
    for (const id of ['a', 'b', 'c']) {
      jb.begin(id, 0);
      feed(jb, id, 5, 100, 0);
      jb.end(id, 500, 0);
    }
    // a 0.06-0.56, b 0.56-1.06, c 1.06-1.56
    jb.tick(0.1);
    const ops = jb.cancel('b', 0.1);
    expect(ops).toContainEqual({ op: 'stop', id: 'b' });
    expect(starts(ops).map(([id, , at]) => [id, at])[0]).toEqual(['c', 0.56]);
    expect(jb.timeline('c')!.baseSec).toBeCloseTo(jb.timeline('a')!.endSec!, 9);
    // a was untouched
    expect(ops.some((o) => o.id === 'a')).toBe(false);
  });

  it('discards a queued utterance that has no audio yet, and remembers cancelled ids', () => {
    const jb = new JitterBuffer();
    jb.begin('a', 0);
    expect(jb.cancel('a', 0)).toEqual([]);
    expect(jb.has('a')).toBe(false);
    expect(jb.addChunk('a', 0, 0, 100, 0.1).result).toBe('finished');
    expect(jb.begin('a', 0.2)).toBe('finished');
    // a cancel for an id never seen is remembered too
    jb.cancel('zzz', 0.3);
    expect(jb.begin('zzz', 0.4)).toBe('finished');
  });
});

describe('JitterBuffer bounds', () => {
  it('refuses utterances beyond maxPendingUtterances', () => {
    const jb = new JitterBuffer({ maxPendingUtterances: 2 });
    expect(jb.begin('a', 0)).toBe('ok');
    expect(jb.begin('b', 0)).toBe('ok');
    expect(jb.begin('c', 0)).toBe('full');
    expect(jb.counters.droppedUtterances).toBe(1);
  });

  it('refuses chunks beyond maxChunksPerUtterance', () => {
    const jb = new JitterBuffer({ maxChunksPerUtterance: 2 });
    jb.begin('a', 0);
    feed(jb, 'a', 2, 100, 0);
    expect(jb.addChunk('a', 2, 200, 100, 0).result).toBe('full');
    expect(jb.counters.droppedChunks).toBe(1);
  });

  it('forgets the oldest finished ids beyond finishedMemory', () => {
    const jb = new JitterBuffer({ finishedMemory: 2 });
    for (const id of ['a', 'b', 'c']) jb.cancel(id, 0);
    expect(jb.begin('a', 0)).toBe('ok');
    expect(jb.begin('c', 0)).toBe('finished');
  });

  it('drops a head utterance that blocks playback without progress', () => {
    const jb = new JitterBuffer({ leadMs: 60, stallMs: 1000 });
    jb.begin('a', 0);
    feed(jb, 'a', 1, 100, 0); // plays 0.06..0.16, never ended
    jb.begin('b', 0.1);
    feed(jb, 'b', 1, 100, 0.1);
    jb.end('b', 100, 0.1);
    expect(ids(jb.tick(1), 'stalled')).toEqual([]);
    const t = jb.tick(1.2);
    expect(ids(t, 'stalled')).toEqual(['a']);
    expect(t.ops).toContainEqual({ op: 'stop', id: 'a' });
    expect(starts(t.ops)).toEqual([['b', 0, 1.26]]);
    expect(jb.finishedOutcome('a')).toBe('stalled');
  });
});

describe('JitterBuffer position', () => {
  it('follows the audio clock and holds during an underrun gap', () => {
    const jb = new JitterBuffer({ leadMs: 60, growFactor: 1.5 });
    jb.begin('a', 0);
    feed(jb, 'a', 2, 100, 0); // 0.06..0.26
    expect(jb.positionMs('a', 0.03)).toBeCloseTo(-30, 6);
    expect(jb.positionMs('a', 0.11)).toBeCloseTo(50, 6);
    jb.addChunk('a', 2, 200, 100, 0.3); // late → starts 0.39
    expect(jb.positionMs('a', 0.35)).toBeCloseTo(200, 6); // gap: holds at 200 ms
    expect(jb.positionMs('a', 0.44)).toBeCloseTo(250, 6);
    expect(jb.positionMs('nope', 0)).toBeNull();
  });
});

describe('JitterBuffer defaults: no start lead, one render quantum of safety', () => {
  it('starts a lone utterance one render quantum after its first chunk, and the next chunks on its clock', () => {
    const jb = new JitterBuffer({ safetyMs: renderQuantumMs(48_000) });
    expect(DEFAULT_LEAD_MS).toBe(0);
    expect(renderQuantumMs(48_000)).toBeCloseTo(2.667, 3);
    jb.begin('a', 1);
    expect(starts(jb.addChunk('a', 0, 0, 100, 1).ops)).toEqual([['a', 0, round(1 + 128 / 48_000)]]);
    expect(jb.addChunk('a', 1, 100, 100, 1.05).result).toBe('scheduled');
    expect(jb.counters.underruns).toBe(0);
  });

  it('counts a chunk that cannot start a quantum ahead as an underrun, grows the lead from 0 by 20 ms and shifts the rest', () => {
    const jb = new JitterBuffer();
    jb.begin('a', 0);
    jb.addChunk('a', 0, 0, 100, 0); // base 0.003
    const late = jb.addChunk('a', 1, 100, 100, 0.102); // due at 0.103: within 3 ms of now
    expect(late.result).toBe('underrun');
    expect(jb.leadMs).toBeCloseTo(20, 6);
    expect(starts(late.ops)).toEqual([['a', 1, 0.122]]);
    const next = jb.addChunk('a', 2, 200, 100, 0.13);
    expect(next.result).toBe('scheduled');
    expect(starts(next.ops)).toEqual([['a', 2, 0.222]]);
  });
});

