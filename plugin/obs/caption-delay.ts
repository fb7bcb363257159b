/**
 * How far behind the audio the relay sends its captions. OBS writes a caption into the next
 * packet its video encoder puts out, while the picture and sound being captured at that
 * moment come out of the encoder later: by its lookahead and B-frame reordering. Measured on
 * a real OBS 29 stream against a marker in the video: about 0.5 s with x264 ultrafast (no
 * B-frames, little lookahead), about 1.8 s with OBS's default x264 veryfast (B-frames).
 *
 * Without OBS_CAPTION_DELAY_MS the delay is chosen from the OBS profile (obs-websocket
 * GetProfileParameter, basic.ini: Output/Mode, SimpleOutput/StreamEncoder, Preset,
 * x264Settings). Advanced output mode keeps its encoder settings in streamEncoder.json, which
 * obs-websocket does not expose: there, and for hardware encoders, the middle value is used
 * and the setting should be measured.
 */
import type { ObsSession } from './obs-session.ts';

export const CAPTION_DELAY_MS = { x264NoBFrames: 500, x264: 1_800, unknownEncoder: 1_000 } as const;

/** x264 presets that turn B-frames off or to the minimum (x264's preset table). */
const FAST_X264_PRESETS = new Set(['ultrafast']);

export interface CaptionDelayChoice {
  delayMs: number;
  /** What it was chosen from, for the log. */
  why: string;
}

async function profileValue(session: ObsSession, parameterCategory: string, parameterName: string): Promise<string> {
  const { parameterValue, defaultParameterValue } = await session.call('GetProfileParameter', { parameterCategory, parameterName });
  return (parameterValue ?? defaultParameterValue ?? '').trim();
}

/** The caption delay for OBS's current stream encoder, from its profile. */
export async function chooseCaptionDelay(session: ObsSession): Promise<CaptionDelayChoice> {
  const mode = await profileValue(session, 'Output', 'Mode');
  if (mode !== 'Simple') {
    return { delayMs: CAPTION_DELAY_MS.unknownEncoder, why: `output mode ${mode || 'unknown'}: encoder settings not visible to obs-websocket` };
  }
  const encoder = await profileValue(session, 'SimpleOutput', 'StreamEncoder');
  if (encoder !== 'x264') return { delayMs: CAPTION_DELAY_MS.unknownEncoder, why: `simple output with encoder ${encoder || 'unknown'}` };
  const preset = (await profileValue(session, 'SimpleOutput', 'Preset')) || 'veryfast';
  const custom = await profileValue(session, 'SimpleOutput', 'x264Settings');
  const noBFrames = FAST_X264_PRESETS.has(preset) || /(^|\s)bframes=0(\s|$)/u.test(custom);
  return {
    delayMs: noBFrames ? CAPTION_DELAY_MS.x264NoBFrames : CAPTION_DELAY_MS.x264,
    why: `x264 preset ${preset}${custom ? ` (${custom})` : ''}`,
  };
}
