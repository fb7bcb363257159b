import { describe, expect, it } from 'vitest';
import type { PanelQueueItem } from '../../../server/src/core/protocol.ts';
import { currentItem, displayState, playProgress, queuedPaidCount, sourceAndVoice, switchSummary } from './queue-items.ts';

const item = (id: string, state: PanelQueueItem['state'], extra: Partial<PanelQueueItem> = {}): PanelQueueItem => ({
  id,
  text: id,
  user: 'u',
  source: 'http',
  priority: 0,
  state,
  receivedAtMs: 0,
  updatedAtMs: 1_000,
  ...extra,
});

describe('queue items', () => {
  it('shows an expired drop as its own state', () => {
    expect(displayState(item('a', 'dropped', { reason: 'expired' }))).toBe('expired');
    expect(displayState(item('a', 'dropped', { reason: 'banned' }))).toBe('dropped');
    expect(displayState(item('a', 'played'))).toBe('played');
  });

  it('skips the playing readout first, else the one synthesizing', () => {
    expect(currentItem([item('q', 'queued'), item('s', 'synthesizing'), item('p', 'playing')])?.id).toBe('p');
    expect(currentItem([item('q', 'queued'), item('s', 'synthesizing')])?.id).toBe('s');
    expect(currentItem([item('q', 'queued')])).toBeUndefined();
  });

  it('counts queued paid readouts only', () => {
    expect(queuedPaidCount([item('a', 'queued', { paid: true }), item('b', 'played', { paid: true }), item('c', 'queued')])).toBe(1);
  });

  it('measures progress from the playback start, a fraction once the duration is known', () => {
    expect(playProgress({ updatedAtMs: 1_000 }, 3_000)).toEqual({ elapsedMs: 2_000, fraction: null });
    expect(playProgress({ updatedAtMs: 1_000, durationMs: 4_000 }, 3_000)).toEqual({ elapsedMs: 2_000, fraction: 0.5 });
    expect(playProgress({ updatedAtMs: 1_000, durationMs: 1_000 }, 9_000).fraction).toBe(1);
  });

  it('says which engines a readout switched between, counting sentences from 1', () => {
    const switched = [
      { from: 'cosyvoice', to: 'cosyvoice-selfhost', atSentence: 0 },
      { from: 'cosyvoice-selfhost', to: 'embedded', atSentence: 2 },
    ];
    expect(switchSummary(switched, 'from sentence {n}')).toBe('cosyvoice → cosyvoice-selfhost (from sentence 1), cosyvoice-selfhost → embedded (from sentence 3)');
    expect(switchSummary([], 'x')).toBe('');
  });
});

describe('sourceAndVoice', () => {
  it('shows the voice after the source when the readout has one', () => {
    expect(sourceAndVoice(item('a', 'queued', { source: 'twitch', voice: 'narrator' }))).toBe('twitch · 🗣 narrator');
    expect(sourceAndVoice(item('b', 'played'))).toBe('http');
  });
});
