/** What the gateway needs from the rest of the relay, handed in by the composition root (start-relay.ts). */
import type { Observable } from 'rxjs';
import type { EndpointStatus } from '../core/engine.ts';
import type { FormattedHistory, HistoryEntry, HistoryFormat, SpeechTrack } from '../core/history.ts';
import type { RecognitionStatus } from '../core/audio-ingest.ts';
import type { PanelQueueItem, SubtitlesChange, SubtitlesState } from '../core/protocol.ts';
import type { ReadoutFeed } from '../core/sink.ts';
import type { ClearResult } from '../core/types.ts';
import type { VoiceInfo } from '../core/voices.ts';

export interface CaptionInput {
  text: string;
  user?: string;
  source?: string;
  priority?: number;
  /** A library voice's id or name, or an engine preset; unknown → 400 unknown_voice. */
  voice?: string;
  /** A spoken instruction (plain text, bounded), for engines that apply one. */
  instruct?: string;
  lang?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  /** True when at least one engine can speak; false → /healthz answers 503. */
  canSpeak: boolean;
  engine: {
    name: string;
    healthy: boolean;
    /** Why the engine (chain) cannot speak. */
    detail?: string;
    /** A fallback chain's engines, in order, each with why it cannot speak and its servers. */
    chain?: { name: string; healthy: boolean; reason?: string; endpoints?: EndpointStatus[] }[];
    /** A single network engine's servers: reachable or not, probed at start and every few seconds while idle. */
    endpoints?: EndpointStatus[];
    /** Readouts spoken per engine since start (a fallback chain). */
    spokenBy?: Record<string, number>;
    /** Readouts since start whose `instruct` the engine that spoke them could not apply (they played without it). */
    instructIgnored: number;
  };
  queue: { active: number; overlays: number };
}

/** Renders history entries as a GET /api/history body (the history module's formatHistory). */
export type HistoryFormatter = (entries: readonly HistoryEntry[], format: HistoryFormat) => FormattedHistory;

export interface RelayPort {
  /** Validates, normalizes and enqueues; resolves once it is on disk (the 202). Rejects with typed errors (ValidationError, QueueFullError, StorageError). */
  submit(input: CaptionInput): Promise<{ id: string; duplicate: boolean }>;
  /** Skip now, also mid-utterance. Returns false when the id is unknown or already finished. */
  skip(id: string): boolean;
  listQueue(): PanelQueueItem[];
  /** Readouts wait until resume (persisted across restarts); what is in flight finishes. */
  pause(): void;
  resume(): void;
  /** Skips every queued readout, paid ones only with includePaid; in-flight ones play on. */
  clear(options: { includePaid: boolean }): ClearResult;
  /** The `limit` most recent finished readouts (finished at or after `sinceMs`), oldest first, with their word timings. */
  history(options: { limit: number; sinceMs?: number }): HistoryEntry[];
  /** Queues a finished readout again under a new id; resolves once it is on disk. Rejects with NotFoundError, ValidationError (409 while active), QueueFullError, StorageError. */
  replay(id: string): Promise<{ id: string }>;
  health(): HealthReport;
  /** Overlay acks: the queue advances on these. */
  playbackStarted(id: string, atMs: number): void;
  playbackEnded(id: string): void;
  /** Overlays connected right now (the queue waits while there are none). */
  overlayConnectionsChanged(count: number): void;
  /** What the sinks read: readout events in order, playback acks. */
  feed: ReadoutFeed;
  /** Fires whenever the queue snapshot shown in the panel may have changed. */
  queueChanged$: Observable<unknown>;
  metricsText(): Promise<string>;
  metricsContentType: string;
  /** Mute (true) or show again the live subtitles in the overlays; muting clears them at once. */
  muteSubtitles(muted: boolean): void;
  /** Whether subtitles are muted, and the recent lines (the panel's live transcript). */
  subtitles(): SubtitlesState;
  /** Fires whenever subtitles() changed. */
  subtitlesChanged$: Observable<SubtitlesChange>;
}

/** A voice to add to the library, as POST /api/voices received it. */
export interface NewVoice {
  name: string;
  /** The engine it is cloned for: `cosyvoice-selfhost` (prompt per request) or `cosyvoice` (enrolled). */
  engine: string;
  /** The sample's transcript ('' = unknown). */
  promptText: string;
  /** The sample's language (BCP 47), when given. */
  language?: string;
  /** The uploaded file: WAV, MP3 or M4A. */
  audio: Uint8Array;
}

/** The voice library behind /api/voices. Errors are typed (ValidationError, NotFoundError, EngineError). */
export interface VoicesPort {
  /** Every configured engine's presets, then the library's voices. */
  list(): VoiceInfo[];
  /** Checks, normalizes, enrolls when the engine needs it, and stores the voice. */
  create(voice: NewVoice, signal?: AbortSignal): Promise<{ id: string; name: string }>;
  /** Deletes a library voice (and its upstream enrollment). Throws NotFoundError for an unknown id. */
  remove(id: string): Promise<void>;
  /** A library voice's stored sample (16 kHz mono 16-bit WAV); undefined for an unknown id. */
  sample(id: string): Uint8Array | undefined;
}

/** The streamer's recognized voice: the speech log as subtitle files, and how recognition is going. */
export interface SpeechPort {
  /** The `limit` most recent spoken lines as a GET /api/subtitles body. */
  render(format: HistoryFormat, track: SpeechTrack, limit: number): FormattedHistory;
  recognition(): RecognitionStatus;
}
