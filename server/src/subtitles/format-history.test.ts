import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../core/history.ts';
import { HISTORY_FIXTURE } from './fixture.ts';
import { formatHistory } from './format-history.ts';

describe('formatHistory', () => {
  it('writes SRT: a cue per line of words, readouts placed at playedAtMs − durationMs from the first one', () => {
    expect(formatHistory(HISTORY_FIXTURE, 'srt')).toEqual({
      contentType: 'application/x-subrip; charset=utf-8',
      body: [
        '1',
        '00:00:00,000 --> 00:00:01,700',
        'Thanks for the follow, and welcome to the',
        '',
        '2',
        '00:00:01,700 --> 00:00:02,700',
        'stream everyone!',
        '',
        '3',
        '00:00:10,000 --> 00:00:12,468',
        '你好，欢迎来到直播间！',
        '',
        '4',
        '00:00:20,000 --> 00:00:21,501',
        '<b>bold</b> & <img src=x>',
        '',
      ].join('\n'),
    });
  });

  it('writes WebVTT with &, < and > escaped', () => {
    expect(formatHistory(HISTORY_FIXTURE, 'vtt')).toEqual({
      contentType: 'text/vtt; charset=utf-8',
      body: [
        'WEBVTT',
        '',
        '00:00:00.000 --> 00:00:01.700',
        'Thanks for the follow, and welcome to the',
        '',
        '00:00:01.700 --> 00:00:02.700',
        'stream everyone!',
        '',
        '00:00:10.000 --> 00:00:12.468',
        '你好，欢迎来到直播间！',
        '',
        '00:00:20.000 --> 00:00:21.501',
        '&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x&gt;',
        '',
      ].join('\n'),
    });
  });

  it('writes JSON with every entry, skipped ones included', () => {
    const { contentType, body } = formatHistory(HISTORY_FIXTURE, 'json');
    expect(contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(body)).toEqual({ items: HISTORY_FIXTURE });
  });

  it('writes empty subtitle files for an empty history', () => {
    expect(formatHistory([], 'srt').body).toBe('');
    expect(formatHistory([], 'vtt').body).toBe('WEBVTT\n\n');
  });

  describe('with the voice that spoke each readout', () => {
    const voiced: HistoryEntry[] = [
      { ...HISTORY_FIXTURE[1]!, voice: 'narrator' },
      { ...HISTORY_FIXTURE[3]!, voice: 'a<b>&\nc' },
      HISTORY_FIXTURE[0]!,
    ];

    it('JSON has a voice field on the entries that had one', () => {
      const items = (JSON.parse(formatHistory(voiced, 'json').body) as { items: HistoryEntry[] }).items;
      expect(items.map((i) => i.voice)).toEqual(['narrator', 'a<b>&\nc', undefined]);
    });

    it('WebVTT wraps each cue in a voice span, the name escaped and on one line', () => {
      const lines = formatHistory(voiced, 'vtt').body.split('\n');
      expect(lines).toContain('<v narrator>Thanks for the follow, and welcome to the</v>');
      expect(lines).toContain('<v narrator>stream everyone!</v>');
      expect(lines).toContain('<v a&lt;b&gt;&amp; c>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x&gt;</v>');
      expect(lines).toContain('你好，欢迎来到直播间！');
    });

    it('SRT labels the speaker with a [Name] prefix (SubRip has no voice syntax)', () => {
      const lines = formatHistory(voiced, 'srt').body.split('\n');
      expect(lines).toContain('[narrator] stream everyone!');
      expect(lines).toContain('[a<b>& c] <b>bold</b> & <img src=x>');
      expect(lines).toContain('你好，欢迎来到直播间！');
    });
  });
});
