import { describe, expect, it } from 'vitest';
import { ArrivalClock } from './arrival-clock.ts';

describe('ArrivalClock', () => {
  it('maps audio time to the wall clock of the frame that carried it, across a pause', () => {
    const clock = new ArrivalClock();
    expect(clock.wallAt(0)).toBeUndefined();
    clock.record(100, 10_100); // audio 0–100 arrived at 10.1 s
    clock.record(100, 10_200); // 100–200
    clock.record(100, 60_000); // 200–300 after a 50 s mute
    expect(clock.wallAt(50)).toBe(10_050);
    expect(clock.wallAt(200)).toBe(10_200);
    expect(clock.wallAt(250)).toBe(59_950);
    expect(clock.wallAt(400)).toBe(60_100); // past the end: extrapolated from the last frame
  });

  it('is bounded, and extrapolates before the oldest frame kept', () => {
    const clock = new ArrivalClock(2);
    for (let i = 1; i <= 5; i++) clock.record(100, 1000 + i * 100);
    expect(clock.wallAt(350)).toBe(1350); // frames 300–400 and 400–500 kept
    expect(clock.wallAt(0)).toBe(1000); // from the oldest kept frame
  });
});
