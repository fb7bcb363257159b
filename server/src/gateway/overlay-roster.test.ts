import { describe, expect, it } from 'vitest';
import { OverlayRoster } from './overlay-roster.ts';

describe('OverlayRoster', () => {
  it('tracks each overlay: connected since, version, last ack, playing until end or cancel', () => {
    let nowMs = 1_000;
    const roster = new OverlayRoster(() => nowMs);
    roster.connected('a');
    nowMs = 2_000;
    roster.connected('b');
    roster.hello('a', '0.1.0');
    nowMs = 3_000;
    roster.ack('a', 'playback:start', 'u1');
    roster.ack('b', 'playback:start', 'u1');
    expect(roster.statuses()).toEqual([
      { socketId: 'a', connectedAtMs: 1_000, version: '0.1.0', lastAck: { type: 'playback:start', id: 'u1', atMs: 3_000 }, playingId: 'u1' },
      { socketId: 'b', connectedAtMs: 2_000, lastAck: { type: 'playback:start', id: 'u1', atMs: 3_000 }, playingId: 'u1' },
    ]);
    nowMs = 4_000;
    roster.ack('a', 'playback:end', 'u0'); // an older readout's late end does not stop the current one
    roster.ack('b', 'playback:end', 'u1');
    expect(roster.statuses().map((o) => o.playingId)).toEqual(['u1', undefined]);
    roster.cancelled('u1');
    expect(roster.statuses()[0]).toMatchObject({ lastAck: { type: 'playback:end', id: 'u0', atMs: 4_000 } });
    expect(roster.statuses()[0]!.playingId).toBeUndefined();
    roster.disconnected('a');
    roster.ack('a', 'playback:start', 'u2');
    expect(roster.statuses().map((o) => o.socketId)).toEqual(['b']);
  });
});
