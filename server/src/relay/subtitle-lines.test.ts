import { describe, expect, it } from 'vitest';
import type { OverlayEvent } from '../core/protocol.ts';
import type { SubtitleLine } from '../core/source.ts';
import { SubtitleLines } from './subtitle-lines.ts';

const line = (messageId: string, text: string, final: boolean, extra: Partial<SubtitleLine> = {}): SubtitleLine => ({
  type: 'subtitle',
  source: 'speech',
  messageId,
  text,
  final,
  receivedAtMs: 0,
  ...extra,
});

describe('SubtitleLines', () => {
  it('sends partials and finals with their translation and timings, and keeps the transcript', () => {
    const events: OverlayEvent[] = [];
    const lines = new SubtitleLines((e) => events.push(e), 2);
    lines.show(line('s1', '大家', false));
    lines.show(line('s1', '大家好', true, { lang: 'zh', translation: { lang: 'en', text: 'Hello all' }, startedAtMs: 1000, durationMs: 800, words: [{ text: '大家', startMs: 0, endMs: 400 }] }));
    lines.show(line('s2', '欢迎', false));
    expect(events.map((e) => e.type)).toEqual(['subtitle:line', 'subtitle:line', 'subtitle:line']);
    expect(events[1]!.data).toEqual({ id: 's1', text: '大家好', final: true, lang: 'zh', translation: { lang: 'en', text: 'Hello all' }, startedAtMs: 1000, durationMs: 800, words: [{ text: '大家', startMs: 0, endMs: 400 }] });
    expect(lines.state().recent.map((l) => [l.id, l.text, l.final])).toEqual([
      ['s1', '大家好', true],
      ['s2', '欢迎', false],
    ]);
    lines.show(line('s2', '欢迎来到', true));
    lines.show(line('s3', '直播间', true));
    expect(lines.state().recent.map((l) => l.id)).toEqual(['s2', 's3']);
  });

  it('muting clears the overlays once and sends nothing until unmuted; the transcript still records', () => {
    const events: OverlayEvent[] = [];
    const lines = new SubtitleLines((e) => events.push(e));
    lines.mute(true);
    lines.mute(true);
    lines.show(line('s1', 'secret', true));
    expect(events).toEqual([{ type: 'subtitle:clear', data: { reason: 'muted' } }]);
    expect(lines.state()).toMatchObject({ muted: true, recent: [{ id: 's1', text: 'secret' }] });
    lines.mute(false);
    lines.show(line('s2', 'public', false));
    expect(events.at(-1)).toEqual({ type: 'subtitle:line', data: { id: 's2', text: 'public', final: false } });
  });

  it('tells every change of its state: each line (kept while muted too) and each mute switch, not a repeated one', () => {
    const lines = new SubtitleLines(() => undefined);
    const changes: string[] = [];
    lines.changes$.subscribe((c) => changes.push(c));
    lines.show(line('s1', '大家', false));
    lines.mute(true);
    lines.mute(true);
    lines.show(line('s1', '大家好', true));
    lines.mute(false);
    expect(changes).toEqual(['line', 'mute', 'line', 'mute']);
  });
});
