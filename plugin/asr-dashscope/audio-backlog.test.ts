import { describe, expect, it } from 'vitest';
import { RECOGNIZER_FRAME_BYTES } from '../../server/src/core/recognizer.ts';
import { AudioBacklog } from './audio-backlog.ts';

const bytes = (n: number, value = 1) => new Uint8Array(n).fill(value);

describe('AudioBacklog', () => {
  it('re-frames writes of any length into 100 ms frames numbered on the session clock', () => {
    const backlog = new AudioBacklog(10);
    expect(backlog.write(bytes(1000), 0)).toBe(0);
    expect(backlog.write(bytes(6000), 0)).toBe(2);
    expect([backlog.takeNext(1)?.index, backlog.takeNext(1)?.index, backlog.takeNext(1)]).toEqual([0, 1, undefined]);
    backlog.flushPartial(2);
    expect(backlog.takeNext(2)).toMatchObject({ index: 2, pcm: expect.objectContaining({ length: 7000 - 2 * RECOGNIZER_FRAME_BYTES }) });
  });

  it('keeps sent frames until acknowledged and replays them from the oldest on rewind', () => {
    const backlog = new AudioBacklog(10);
    backlog.write(bytes(5 * RECOGNIZER_FRAME_BYTES), 0);
    for (let i = 0; i < 4; i++) backlog.takeNext(10);
    backlog.ackBefore(2);
    expect(backlog.rewind()).toBe(2);
    expect([backlog.takeNext(20)?.index, backlog.takeNext(20)?.index, backlog.takeNext(20)?.index]).toEqual([2, 3, 4]);
  });

  it('never acknowledges a frame not sent yet', () => {
    const backlog = new AudioBacklog(10);
    backlog.write(bytes(3 * RECOGNIZER_FRAME_BYTES), 0);
    backlog.takeNext(0);
    backlog.ackBefore(3);
    expect(backlog.takeNext(0)?.index).toBe(1);
  });

  it('acknowledges silence: frames sent long enough ago', () => {
    const backlog = new AudioBacklog(10);
    backlog.write(bytes(3 * RECOGNIZER_FRAME_BYTES), 0);
    backlog.takeNext(100);
    backlog.takeNext(500);
    backlog.ackSentBefore(400);
    expect(backlog.rewind()).toBe(1);
    expect(backlog.takeNext(600)?.index).toBe(1);
  });

  it('is bounded: drops the oldest frames and counts them', () => {
    const backlog = new AudioBacklog(3);
    backlog.write(bytes(5 * RECOGNIZER_FRAME_BYTES), 0);
    expect(backlog.droppedFrames).toBe(2);
    expect(backlog.unsentFrames).toBe(3);
    expect(backlog.takeNext(0)?.index).toBe(2);
  });
});
