/**
 * The Socket.IO contract between the relay and its browser clients (see ARCHITECTURE.md).
 * Browser code imports these types with `import type` only.
 */
import type { RecognitionStatus } from './audio-ingest.ts';
import type { EndpointStatus, VoiceCloning } from './engine.ts';
import type { HistoryEntry } from './history.ts';
import type { SourceStatus } from './source.ts';
import type { ClearResult, EngineSwitch, SpeechParam, TimedWord, Utterance } from './types.ts';

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
 * A live subtitle line that is shown, not spoken (ASR feed, recognized speech): partials
 * replace the line with the same id in place; a final one stays for the overlay's hold time.
 * `words` (finals from a recognizer) are timed on the recognizer's audio clock;
 * `translation` is the line in the translation target language.
 */
export interface SubtitleLineEvent {
  id: string;
  text: string;
  final: boolean;
  lang?: string;
  /** Ms from the line's start. */
  words?: TimedWord[];
  translation?: { lang: string; text: string };
  /** Wall clock when the line was spoken, and its length (finals from a recognizer). */
  startedAtMs?: number;
  durationMs?: number;
}

/** Whether subtitles are muted, and the recent lines (oldest first): the panel's live transcript. */
export interface SubtitlesState {
  muted: boolean;
  recent: SubtitleLineEvent[];
}

/** What changed in the SubtitlesState: a line arrived (shown or, while muted, only kept), or the mute was switched. */
export type SubtitlesChange = 'line' | 'mute';

export interface SubtitleClearEvent {
  reason: 'muted';
}

/** What the pipeline sends every overlay, in order (see OverlayEvent). */
export interface OverlayPipelineEvents {
  'utterance:start': (e: UtteranceStartEvent) => void;
  'audio:chunk': (e: AudioChunkEvent) => void;
  cue: (e: CueEvent) => void;
  'utterance:end': (e: UtteranceEndEvent) => void;
  'utterance:cancel': (e: UtteranceCancelEvent) => void;
  'subtitle:line': (e: SubtitleLineEvent) => void;
  /** The streamer muted subtitles: every subtitle line goes away at once. */
  'subtitle:clear': (e: SubtitleClearEvent) => void;
}

/**
 * The overlay style stored by the panel: style parameter names (as in the overlay URL) →
 * values. Sent on connect and on every change; the overlay checks each value with the same
 * whitelist as its URL parameters, and a parameter in its URL wins over the stored one.
 */
export interface OverlayStyleEvent {
  style: Record<string, string>;
}

export interface OverlayServerToClient extends OverlayPipelineEvents {
  'overlay:style': (e: OverlayStyleEvent) => void;
}

export interface OverlayClientToServer {
  'playback:start': (e: { id: string; atMs: number }) => void;
  'playback:end': (e: { id: string }) => void;
  'overlay:hello': (e: { version: string }) => void;
}


export interface PanelQueueItem
  extends Pick<
    Utterance,
    'id' | 'text' | 'user' | 'source' | 'priority' | 'paid' | 'state' | 'reason' | 'receivedAtMs' | 'updatedAtMs' | 'firstAudioMs' | 'waitMs' | 'voice' | 'note'
  > {
  /** Audio length, once synthesis has finished (the panel's progress bar), kept for played ones. */
  durationMs?: number;
  /** Engines that failed mid-readout and the ones that finished it (while the chain remembers the readout). */
  switched?: EngineSwitch[];
}

export interface PanelErrorBody {
  code: string;
  message: string;
}

/** Answer to a panel command: ok with the command's result fields, or the same error body the HTTP API uses. */
export type PanelAck<T extends object = { id?: string }> = ({ ok: true } & T) | { ok: false; error: PanelErrorBody };

/** One overlay socket, as the panel shows it. */
export interface PanelOverlayStatus {
  socketId: string;
  connectedAtMs: number;
  /** From `overlay:hello`. */
  version?: string;
  lastAck?: { type: 'playback:start' | 'playback:end'; id: string; atMs: number };
  /** Got `playback:start` for this readout and no `playback:end` (nor a cancel) yet: it is playing right now. */
  playingId?: string;
}

export interface PanelEngineStatus {
  /** The configured engine (a chain is named like "cosyvoice>embedded"). */
  name: string;
  healthy: boolean;
  detail?: string;
  /** Each engine of the chain, in order (one entry for a single engine), with why it cannot speak and its servers. */
  chain: { name: string; healthy: boolean; reason?: string; endpoints?: EndpointStatus[] }[];
  /** Readouts spoken per engine since start. */
  spokenBy: Record<string, number>;
  /** Readouts since start whose `instruct` the engine that spoke them could not apply (they played without it). */
  instructIgnored: number;
  /** Switches to the next engine of the chain, by reason. */
  failovers: Record<string, number>;
  retries: number;
  /** Requests that waited at the upstream quota / concurrency limiter. */
  throttledWaits: { count: number; totalMs: number };
  /** Pooled upstream connections (engines that pool them). */
  pool: { engine: string; endpoint: string; idle: number; busy: number }[];
}

export interface PanelSourceStatus extends SourceStatus {
  /** 'twitch', 'bilibili', 'asr', … */
  name: string;
  /** It waits for feeds to connect to it (the ASR feed): not connected then means idle, not a fault. */
  listens?: boolean;
}

export interface PanelObsStatus {
  connected: boolean;
  lastError?: string;
  streaming: boolean;
  browserSourceAvailable: boolean;
  /** Set when captions go to a text source because OBS has no browser source. */
  captionFallback?: string;
  currentScene?: string;
  /** The program scene is a pause scene: readouts wait. */
  paused: boolean;
}

export interface PanelHealth {
  /** The relay's clock when this was taken (the panel corrects its own clock with it). */
  nowMs: number;
  /** Paused from the panel/API (persisted). */
  paused: boolean;
  overlays: PanelOverlayStatus[];
  engine: PanelEngineStatus;
  sources: PanelSourceStatus[];
  /** null when OBS is not configured. */
  obs: PanelObsStatus | null;
  /** null without RELAY_REDIS_URL. */
  scaleOut: PanelScaleOutStatus | null;
  /** Recognition of the streamer's voice (the captioner, /ingest/audio). */
  recognition: RecognitionStatus;
}

/** This process in a scale-out (see README: Scale-out). */
export interface PanelScaleOutStatus {
  /** This process's queue owner id (kept in its data dir). */
  ownerId: string;
  /** Readouts held: this process could not renew its queue lease in Redis. */
  fenced: boolean;
  /** Readouts taken over from stopped processes since start. */
  takenOver: number;
}

export interface PanelStats {
  windowMs: number;
  /** [atMs, firstAudioMs] of each readout that started playing in the window, oldest first (from its turn: see waitMs). */
  firstAudio: [number, number][];
  p50Ms: number | null;
  p95Ms: number | null;
  /** Time the same readouts waited for their turn (received → taken: no overlay, a busy slot, the queue ahead). */
  waitP50Ms: number | null;
  waitP95Ms: number | null;
  /** Readouts dropped in the window, by reason ('expired', 'banned', 'overflow', …). */
  drops: Record<string, number>;
}

export type PanelSettingsSection = 'moderation' | 'queuePolicy' | 'voice' | 'voices' | 'overlayStyle' | 'obs' | 'asrVocabulary';

/** Every persisted setting, as the JSON the relay validates (see README: panel settings). */
export type PanelSettings = Record<PanelSettingsSection, Record<string, unknown>>;

export interface PanelEngineInfo {
  name: string;
  /** Speech parameters the engine applies (volume is applied by the relay for every engine). */
  speechParams: SpeechParam[];
  /** Voice names it knows; empty when it cannot list them. */
  voices: string[];
  /** How it speaks cloned voices: not at all, with the sample per request, or enrolled upstream. */
  cloning: VoiceCloning['kind'];
}

export interface PanelInit {
  /** The overlay page with its key, relative to the panel's origin (for the preview and for OBS). */
  overlayPath: string;
  engines: PanelEngineInfo[];
  obsConfigured: boolean;
  /** The relay's own limits (environment settings), shown beside the moderation rules they bound. */
  limits: CaptionLimits;
}

/**
 * The limits every caption meets at admission, whatever its origin (README: Limits).
 * Viewer captions (chat, ASR) meet the moderation rules first, whose length cap is bounded
 * by `maxTextChars`.
 */
export interface CaptionLimits {
  /** RELAY_MAX_TEXT_CHARS: longer from the API or the panel → 413; a viewer message is cut to it. */
  maxTextChars: number;
  /** RELAY_DEDUPE_WINDOW_MS: the same text from the same user within it → the first readout's id (0 = off). */
  dedupeWindowMs: number;
}

export type PanelHistoryItem = Pick<
  HistoryEntry,
  'id' | 'text' | 'user' | 'source' | 'paid' | 'state' | 'reason' | 'updatedAtMs' | 'firstAudioMs' | 'waitMs' | 'durationMs' | 'voice' | 'note'
>;

export interface VoiceTestRequest {
  engine: string;
  text: string;
  voice?: string;
  rate?: number;
  pitch?: number;
  volumePercent?: number;
}

export interface VoiceTestResult {
  engine: string;
  sampleRateHz: number;
  /** Binary attachment: signed 16-bit little-endian mono PCM. */
  pcm: ArrayBuffer | Uint8Array;
  durationMs: number;
  /** True when the preview was cut at its length limit. */
  truncated: boolean;
  /** Speech parameters this engine does not apply. */
  ignoredParams: SpeechParam[];
}

export interface PanelServerToClient {
  'panel:init': (e: PanelInit) => void;
  'queue:update': (items: PanelQueueItem[]) => void;
  'health:update': (e: PanelHealth) => void;
  'stats:update': (e: PanelStats) => void;
  'settings:update': (e: PanelSettings) => void;
  /** The live transcript of the streamer's voice and whether subtitles are muted. */
  'subtitles:update': (e: SubtitlesState) => void;
}

/** A panel command: a payload and an ack with `T` on success. */
type PanelCommand<P, T extends object = object> = (e: P, ack: (r: PanelAck<T>) => void) => void;

/** Each panel command: its payload, and what its ack carries on success. */
export interface PanelCommands {
  'caption:send': { payload: { text: string }; result: { id: string } };
  'queue:skip': { payload: { id: string }; result: { id: string } };
  'queue:pause': { payload: object; result: { paused: boolean } };
  'subtitles:mute': { payload: { muted: boolean }; result: { muted: boolean } };
  'queue:resume': { payload: object; result: { paused: boolean } };
  'queue:clear': { payload: { includePaid: boolean }; result: ClearResult };
  'queue:replay': { payload: { id: string }; result: { id: string } };
  'user:ban': { payload: { user: string }; result: { user: string; dropped: number } };
  'user:unban': { payload: { user: string }; result: { user: string } };
  'history:search': { payload: { query: string }; result: { items: PanelHistoryItem[] } };
  'settings:save': { payload: { section: PanelSettingsSection; value: Record<string, unknown> }; result: { value: Record<string, unknown> } };
  'voice:test': { payload: VoiceTestRequest; result: VoiceTestResult };
  'obs:ensure-overlay': { payload: object; result: { outcome: string; sceneName: string; inputName: string } };
}

export type PanelCommandName = keyof PanelCommands;

export type PanelClientToServer = {
  [K in PanelCommandName]: PanelCommand<PanelCommands[K]['payload'], PanelCommands[K]['result']>;
};

/** One server → overlay event, as a value: what the pipeline produces and the gateway sends. */
export type OverlayEvent = {
  [K in keyof OverlayPipelineEvents]: { type: K; data: Parameters<OverlayPipelineEvents[K]>[0] };
}[keyof OverlayPipelineEvents];

/** The live subtitles' events (lines and their clearing): shown, not part of any utterance. */
export type SubtitleEvent = Extract<OverlayEvent, { type: 'subtitle:line' | 'subtitle:clear' }>;

/** The events of one utterance (what an overlay replays after a reconnect): not the subtitle lines. */
export type UtteranceEvent = Exclude<OverlayEvent, SubtitleEvent>;

export function isSubtitleEvent(event: OverlayEvent): event is SubtitleEvent {
  return event.type === 'subtitle:line' || event.type === 'subtitle:clear';
}
