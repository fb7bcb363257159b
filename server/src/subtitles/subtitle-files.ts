/** SubRip (.srt) and WebVTT (.vtt) text from cues, and the GET bodies built on them. */
import type { FormattedHistory, HistoryFormat } from '../core/history.ts';
import type { Cue } from './session-cues.ts';

/** A GET /api/history or /api/subtitles body: `items` as JSON, or their cues (made only then) as SRT / WebVTT. */
export function subtitleBody(format: HistoryFormat, items: readonly unknown[], cues: () => readonly Cue[]): FormattedHistory {
  switch (format) {
    case 'json':
      return { contentType: 'application/json; charset=utf-8', body: JSON.stringify({ items }) };
    case 'srt':
      return { contentType: 'application/x-subrip; charset=utf-8', body: formatSrt(cues()) };
    case 'vtt':
      return { contentType: 'text/vtt; charset=utf-8', body: formatVtt(cues()) };
  }
}

/** `HH:MM:SS<sep>mmm`, rounded to the millisecond; hours grow past 99 if they must. */
export function subtitleTimestamp(ms: number, separator: ',' | '.'): string {
  const total = Math.max(0, Math.round(ms));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor(total / 60_000) % 60;
  const seconds = Math.floor(total / 1_000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${separator}${pad(total % 1_000, 3)}`;
}

/**
 * SubRip has no escape syntax: text is written as is (players that parse <i>-style tags
 * will). It has no voice syntax either: the voice is a `[Name] ` speaker label, the
 * convention of subtitles for the deaf and hard of hearing.
 */
export function formatSrt(cues: readonly Cue[]): string {
  return cues
    .map((cue, i) => {
      const text = cue.voice === undefined ? cue.text : `[${cue.voice}] ${cue.text}`;
      return `${i + 1}\n${subtitleTimestamp(cue.startMs, ',')} --> ${subtitleTimestamp(cue.endMs, ',')}\n${text}\n`;
    })
    .join('\n');
}

/**
 * WebVTT with &, < and > escaped, so markup in a caption shows literally (and "-->" cannot
 * occur). The voice is a voice span, `<v Name>text</v>` (W3C WebVTT, "cue voice span"), its
 * name escaped the same way.
 */
export function formatVtt(cues: readonly Cue[]): string {
  const body = cues
    .map((cue) => {
      const text = cue.voice === undefined ? escapeVtt(cue.text) : `<v ${escapeVtt(cue.voice)}>${escapeVtt(cue.text)}</v>`;
      return `${subtitleTimestamp(cue.startMs, '.')} --> ${subtitleTimestamp(cue.endMs, '.')}\n${text}\n`;
    })
    .join('\n');
  return `WEBVTT\n\n${body}`;
}

function escapeVtt(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
