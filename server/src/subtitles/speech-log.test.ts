import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import type { OverlayEvent } from '../core/protocol.ts';
import type { PlaybackNotice } from '../core/sink.ts';
import { formatSpeech } from './format-speech.ts';
import { SpeechLog } from './speech-log.ts';

const T0 = Date.UTC(2026, 11, 6, 20, 0, 0);

function feedOf(events$: Subject<OverlayEvent>) {
  return { events$, playback$: new Subject<PlaybackNotice>() };
}

const final = (id: string, text: string, startedAtMs: number, durationMs: number, extra: object = {}): OverlayEvent => ({
  type: 'subtitle:line',
  data: { id, text, final: true, startedAtMs, durationMs, ...extra },
});

describe('speech log', () => {
  it('records the finals that went out, survives a reopen, and renders bilingual SRT/VTT tracks', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'speech-log-')), 'speech.db');
    const log = new SpeechLog(path, silentLogger);
    const events$ = new Subject<OverlayEvent>();
    const sub = log.attach(feedOf(events$));
    events$.next({ type: 'subtitle:line', data: { id: 'a', text: '大家', final: false } }); // partial: not recorded
    events$.next(
      final('a', '大家好。', T0, 900, {
        lang: 'zh',
        words: [
          { text: '大家', startMs: 0, endMs: 400 },
          { text: '好。', startMs: 400, endMs: 900 },
        ],
        translation: { lang: 'en', text: 'Hello everyone.' },
      }),
    );
    events$.next(final('b', 'Welcome <b>in</b>', T0 + 2500, 1000, { translation: { lang: 'zh', text: '欢迎' } }));
    events$.next({ type: 'subtitle:line', data: { id: 'c', text: 'from an ASR feed', final: true } }); // no timing: not a recognizer line
    sub.unsubscribe();
    log.close();

    const reopened = new SpeechLog(path, silentLogger);
    const lines = reopened.recent({ limit: 10 });
    expect(lines.map((l) => [l.id, l.text, l.translation?.text])).toEqual([
      ['a', '大家好。', 'Hello everyone.'],
      ['b', 'Welcome <b>in</b>', '欢迎'],
    ]);
    expect(formatSpeech(lines, 'srt', 'original').body).toBe(
      '1\n00:00:00,000 --> 00:00:00,900\n大家好。\n\n2\n00:00:02,500 --> 00:00:03,500\nWelcome <b>in</b>\n',
    );
    expect(formatSpeech(lines, 'srt', 'translation').body).toBe('1\n00:00:00,000 --> 00:00:00,900\nHello everyone.\n\n2\n00:00:02,500 --> 00:00:03,500\n欢迎\n');
    expect(formatSpeech(lines, 'vtt', 'both').body).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:00.900\n大家好。\nHello everyone.\n\n00:00:02.500 --> 00:00:03.500\nWelcome &lt;b&gt;in&lt;/b&gt;\n欢迎\n',
    );
    expect(JSON.parse(formatSpeech(lines, 'json', 'both').body).items).toHaveLength(2);
    expect(reopened.recent({ limit: 1 }).map((l) => l.id)).toEqual(['b']);
    expect(reopened.recent({ limit: 10, sinceMs: T0 + 1000 }).map((l) => l.id)).toEqual(['b']);
    reopened.close();
  });

  it('keeps at most maxLines (the oldest go first)', () => {
    const log = new SpeechLog(':memory:', silentLogger, 50);
    for (let i = 0; i < 300; i++) log.record({ id: `l${i}`, text: `line ${i}`, startedAtMs: T0 + i * 1000, durationMs: 500, words: [] });
    const kept = log.recent({ limit: 1000 });
    expect(kept.length).toBeLessThanOrEqual(150);
    expect(kept.length).toBeGreaterThanOrEqual(50);
    expect(kept.at(-1)!.id).toBe('l299');
    log.close();
  });
});
