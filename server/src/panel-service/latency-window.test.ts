import { describe, expect, it } from 'vitest';
import { LatencyWindow, percentile } from './latency-window.ts';

describe('percentile', () => {
  it('is the nearest rank, null when empty', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('LatencyWindow', () => {
  it('keeps the last hour of first-audio points and drops by reason, from history and live changes', () => {
    let nowMs = 10_000_000;
    const window = new LatencyWindow(3_600_000, 100, () => nowMs);
    window.seed([
      { state: 'played', firstAudioMs: 900, updatedAtMs: nowMs - 4_000_000 }, // older than an hour
      { state: 'played', firstAudioMs: 200, waitMs: 44_000, updatedAtMs: nowMs - 1_000 },
      { state: 'dropped', reason: 'expired', updatedAtMs: nowMs - 900 },
      { state: 'dropped', reason: 'banned', firstAudioMs: 150, updatedAtMs: nowMs - 800 }, // dropped mid-play
    ]);
    window.record({ state: 'synthesizing', updatedAtMs: nowMs });
    window.record({ state: 'playing', firstAudioMs: 100, waitMs: 20, updatedAtMs: nowMs });
    window.record({ state: 'played', firstAudioMs: 100, waitMs: 20, updatedAtMs: nowMs + 50 }); // already counted when it started
    window.record({ state: 'dropped', reason: 'synthesis failed (engine_failed): boom', updatedAtMs: nowMs });
    window.record({ state: 'dropped', reason: 'expired', updatedAtMs: nowMs });
    expect(window.snapshot()).toEqual({
      windowMs: 3_600_000,
      firstAudio: [
        [nowMs - 1_000, 200],
        [nowMs - 800, 150],
        [nowMs, 100],
      ],
      p50Ms: 150,
      p95Ms: 200,
      // The wait for a turn (e.g. for OBS to connect) is its own figure, not part of first audio.
      waitP50Ms: 20,
      waitP95Ms: 44_000,
      drops: { expired: 2, banned: 1, 'synthesis failed (engine_failed)': 1 },
    });
    nowMs += 3_600_000 - 850;
    expect(window.snapshot()).toMatchObject({ firstAudio: [[nowMs - 3_600_000 + 50, 150], [nowMs - 3_600_000 + 850, 100]], drops: { banned: 1, expired: 1 } });
  });

  it('is bounded', () => {
    const window = new LatencyWindow(3_600_000, 3, () => 1_000);
    for (let i = 0; i < 10; i++) window.record({ state: 'playing', firstAudioMs: i, updatedAtMs: 1_000 });
    expect(window.snapshot().firstAudio.map(([, ms]) => ms)).toEqual([7, 8, 9]);
  });
});
