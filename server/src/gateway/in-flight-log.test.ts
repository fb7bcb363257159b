import { describe, expect, it } from 'vitest';
import type { OverlayEvent } from '../core/protocol.ts';
import { InFlightLog } from './in-flight-log.ts';

const start = (id: string): OverlayEvent => ({ type: 'utterance:start', data: { id, text: id, user: 'u', sampleRateHz: 22050, channels: 1, format: 'pcm_s16le' } });
const chunk = (id: string, seq: number): OverlayEvent => ({ type: 'audio:chunk', data: { id, seq, pcm: new Uint8Array(2), offsetMs: seq, durationMs: 1 } });

describe('InFlightLog', () => {
  it('replays unfinished utterances in order and forgets finished or cancelled ones', () => {
    const log = new InFlightLog(2);
    log.record(start('a'));
    log.record(chunk('a', 0));
    log.record(start('b'));
    log.record(chunk('b', 0));
    expect(log.replay().map((e) => `${e.type}:${e.data.id}`)).toEqual(['utterance:start:a', 'audio:chunk:a', 'utterance:start:b', 'audio:chunk:b']);
    log.finish('a');
    log.record({ type: 'utterance:cancel', data: { id: 'b', reason: 'skipped' } });
    expect(log.replay()).toEqual([]);
  });

  it('is bounded in utterances and in events per utterance, and ignores events of forgotten utterances', () => {
    const log = new InFlightLog(2, 3);
    for (const id of ['a', 'b', 'c']) log.record(start(id));
    for (let seq = 0; seq < 10; seq++) log.record(chunk('c', seq));
    log.record(chunk('a', 0));
    const replay = log.replay();
    expect(new Set(replay.map((e) => e.data.id))).toEqual(new Set(['b', 'c']));
    expect(replay.filter((e) => e.data.id === 'c')).toHaveLength(3);
  });
});
