/**
 * Spoken lines (the streamer's recognized voice) as subtitle cues on one timeline whose 0
 * is the first line's start, like the readouts' (session-cues.ts). The original track is cut
 * into display lines by its word timings (line-breaks.ts); the translation has no word
 * timings, so each is one cue over its sentence; `both` puts the translation under the
 * original in one cue per sentence.
 */
import type { SpeechTrack, SpokenLine } from '../core/history.ts';
import { oneLine, timedCues, type Cue } from './session-cues.ts';

export function speechCues(lines: readonly SpokenLine[], track: SpeechTrack): Cue[] {
  const sorted = [...lines].sort((a, b) => a.startedAtMs - b.startedAtMs);
  const originMs = sorted[0]?.startedAtMs ?? 0;
  return sorted.flatMap((line): Cue[] => {
    const offsetMs = line.startedAtMs - originMs;
    const whole = { startMs: offsetMs, endMs: offsetMs + line.durationMs };
    const translation = oneLine(line.translation?.text ?? '');
    switch (track) {
      case 'original':
        return timedCues(line.text, line.words, line.durationMs, offsetMs);
      case 'translation':
        return translation === '' ? [] : [{ ...whole, text: translation }];
      case 'both': {
        const text = [oneLine(line.text), translation].filter((t) => t !== '').join('\n');
        return text === '' ? [] : [{ ...whole, text }];
      }
    }
  });
}
