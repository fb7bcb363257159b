/**
 * The Socket.IO contract between the relay and its browser clients (see ARCHITECTURE.md).
 * Browser code imports these types with `import type` only.
 */
import type { TimedWord, Utterance } from './types.ts';

export interface UtteranceStartEvent {
  id: string;
  text: string;
  user: string;
  sampleRateHz: number;
  channels: 1;
  format: 'pcm_s16le';
}

export interface AudioChunkEvent {
  id: string;
  seq: number;
  /** Binary attachment: signed 16-bit little-endian mono PCM. */
  pcm: ArrayBuffer | Uint8Array;
  offsetMs: number;
  durationMs: number;
}

export interface CueEvent {
  id: string;
  words: TimedWord[];
}

export interface UtteranceEndEvent {
  id: string;
  durationMs: number;
}

export interface UtteranceCancelEvent {
  id: string;
  reason: string;
}

/**
 * A live subtitle line that is shown, not spoken (ASR feed): partials replace the line
 * with the same id in place; a final one stays for the overlay's hold time.
 */
export interface SubtitleLineEvent {
  id: string;
  text: string;
  final: boolean;
}

export interface OverlayServerToClient {
  'utterance:start': (e: UtteranceStartEvent) => void;
  'audio:chunk': (e: AudioChunkEvent) => void;
  cue: (e: CueEvent) => void;
  'utterance:end': (e: UtteranceEndEvent) => void;
  'utterance:cancel': (e: UtteranceCancelEvent) => void;
  'subtitle:line': (e: SubtitleLineEvent) => void;
}

export interface OverlayClientToServer {
  'playback:start': (e: { id: string; atMs: number }) => void;
  'playback:end': (e: { id: string }) => void;
  'overlay:hello': (e: { version: string }) => void;
}

export interface PanelQueueItem extends Pick<Utterance, 'id' | 'text' | 'user' | 'source' | 'priority' | 'state' | 'reason' | 'receivedAtMs' | 'updatedAtMs' | 'firstAudioMs'> {}

/** Answer to a panel command: ok, or the same error body the HTTP API uses. */
export type PanelAck = { ok: true; id?: string } | { ok: false; error: { code: string; message: string } };

export interface PanelServerToClient {
  'queue:update': (items: PanelQueueItem[]) => void;
}

export interface PanelClientToServer {
  'caption:send': (e: { text: string }, ack: (r: PanelAck) => void) => void;
  'queue:skip': (e: { id: string }, ack: (r: PanelAck) => void) => void;
}

/** One server → overlay event, as a value: what the pipeline produces and the gateway sends. */
export type OverlayEvent = {
  [K in keyof OverlayServerToClient]: { type: K; data: Parameters<OverlayServerToClient[K]>[0] };
}[keyof OverlayServerToClient];
