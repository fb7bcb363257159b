/**
 * The raw-audio ingest contract (`WS /ingest/audio`), shared by the relay, the /captioner
 * page and any tool that sends audio (ffmpeg, a script). Pure: the browser imports it.
 *
 * Client → relay: binary frames of signed 16-bit little-endian mono PCM at 16 kHz, any whole
 * number of samples up to `AUDIO_INGEST_MAX_FRAME_BYTES` (100 ms = 3,200 bytes is what the
 * captioner sends). Text frames are not accepted (answered with an error message).
 * Relay → client: JSON text messages (`AudioIngestMessage`): the recognizer's state, the
 * lines recognized from this feed (so the sender can show its own transcript) and errors.
 * Auth: `?token=` or `Authorization: Bearer` with the relay token (browsers cannot set the
 * header on a WebSocket); a wrong token is refused with HTTP 401 before the upgrade.
 */
import type { HotWordsStatus } from './recognizer.ts';

export const AUDIO_INGEST_PATH = '/ingest/audio';
export const AUDIO_INGEST_MAX_FRAME_BYTES = 32_000;

/** Where recognition of this feed stands. */
export type RecognitionState = 'off' | 'idle' | 'connecting' | 'running' | 'reconnecting' | 'failed';

export interface RecognizedLineMessage {
  type: 'line';
  id: string;
  text: string;
  final: boolean;
  lang?: string;
  translation?: { lang: string; text: string };
}

export type AudioIngestMessage =
  | { type: 'state'; state: RecognitionState; detail?: string }
  | RecognizedLineMessage
  | { type: 'error'; error: { code: string; message: string } };

/** Recognition of the streamer's voice, as /healthz, the panel and GET /api/captioner show it. */
export interface RecognitionStatus {
  state: RecognitionState;
  /** The recognizer engine and its model, when one is configured. */
  engine?: string;
  model?: string;
  /** Translation targets (ASR_TRANSLATE_TO). */
  translateTo?: string[];
  /** Audio feeds connected right now (the captioner page, ffmpeg…). */
  feeds: number;
  /** The last error, kept after a recovery (or why the hot words are not in use). */
  lastError?: string;
  /** The recognizer's hot words, when it supports them. */
  hotWords?: HotWordsStatus;
  /** Median time from the end of a sentence's audio reaching the relay to its final line, over the recent finals. */
  finalLatencyMs?: number;
  /** Audio sent to the recognizer since the relay started (what the account is billed for). */
  audioSentMs: number;
}
