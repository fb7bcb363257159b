/** Domain types shared by every layer. Pure data: no behaviour, no imports of the app. */

/** Where a caption came from. Sources added by plugins extend this with their own name. */
export type CaptionSourceName = 'http' | 'panel' | 'asr' | 'twitch' | 'bilibili' | 'kick' | (string & {});

/** A caption text event as it enters the relay, before moderation and queueing. */
export interface CaptionEvent {
  text: string;
  user: string;
  source: CaptionSourceName;
  /** Higher plays first. 0 = viewer. */
  priority: number;
  /** The voice that speaks it: a library voice's id or name, or an engine preset (chosen at admission). */
  voice?: string;
  /** A spoken instruction for engines that apply one ("用开心的语气说"); others play the text without it. */
  instruct?: string;
  lang?: string;
  /** The platform's user id, when the source has one (bans match on it). */
  userId?: string;
  /** Wall clock (Date.now()) when the relay received it: the start of the latency budget. */
  receivedAtMs: number;
  /** The platform's message id (what a moderator's delete-message action refers to). */
  messageId?: string;
  /** Money was attached (bits, super chat, gift, sub): never dropped by overflow; TTL of the paid class. */
  paid?: boolean;
}

export type UtteranceState = 'queued' | 'synthesizing' | 'playing' | 'played' | 'skipped' | 'dropped';

export const FINAL_STATES: readonly UtteranceState[] = ['played', 'skipped', 'dropped'];

/**
 * An accepted readout not yet finished, as another relay process needs it to take it over
 * (scale-out): the caption, its id and its expiry.
 */
export interface PendingReadout extends CaptionEvent {
  id: string;
  /** Null = never expires. */
  expiresAtMs: number | null;
}

/** What clearing the queue did (POST /api/queue/clear, the panel's queue:clear). */
export interface ClearResult {
  /** Queued readouts skipped (reason 'cleared'). */
  cleared: number;
  /** Paid readouts left queued (0 with includePaid). */
  keptPaid: number;
}

/** One readout, end to end: the id is the one POST /api/captions returned. */
export interface Utterance extends CaptionEvent {
  id: string;
  state: UtteranceState;
  /** Why it was skipped/dropped, or how it finished (e.g. "ack-timeout"). */
  reason?: string;
  updatedAtMs: number;
  /**
   * Its turn came (taken from the queue: an overlay connected, a slot free) → first sample
   * playing in an overlay (set on the playback:start ack). The time before is `waitMs`.
   */
  firstAudioMs?: number;
  /** Caption received → taken from the queue (set on each take): how long it waited for its turn. */
  waitMs?: number;
  /** Something the streamer should know about how it was spoken (e.g. its instruction was ignored). */
  note?: string;
}

/** A word on the utterance's audio clock (ms from the utterance's first sample). */
export interface TimedWord {
  text: string;
  startMs: number;
  endMs: number;
}

/** A readout one engine of the chain started and the next finished, its first engine having failed mid-readout. */
export interface EngineSwitch {
  from: string;
  to: string;
  /** Index (from 0) of the sentence of the readout's text the next engine started at. */
  atSentence: number;
}

/** PCM produced by an engine: signed 16-bit little-endian mono. */
export interface AudioChunk {
  kind: 'audio';
  pcm: Uint8Array;
  sampleRateHz: number;
}

/** Word timings produced by an engine, on the same clock as its audio. */
export interface WordCue {
  kind: 'cue';
  words: TimedWord[];
  /** "engine" when timings come from the engine's own events, "estimated" when derived. */
  timing: 'engine' | 'estimated';
}

export type SynthesisOutput = AudioChunk | WordCue;

export interface SynthesisRequest {
  /** Utterance id, for logs and upstream task ids. */
  id: string;
  text: string;
  /** An engine's own (preset) voice name; ignored by an engine when `clone` is set for it. */
  voice?: string;
  /** A cloned voice from the streamer's library; engines other than `clone.engine` use their default voice. */
  clone?: CloneVoice;
  lang?: string;
  /** Speaking speed as a multiple of the engine's normal rate (0.5–2). Engines without `rate` in `speechParams` ignore it. */
  rate?: number;
  /** Voice pitch as a multiple of the engine's normal pitch (0.5–2). Engines without `pitch` in `speechParams` ignore it. */
  pitch?: number;
  /** A spoken instruction ("用开心的语气说", "用四川话说"). Engines without `instruct` in `speechParams` ignore it. */
  instruct?: string;
}

/** Speech parameters an engine may honour (volume is applied by the relay to every engine's PCM). */
export type SpeechParam = 'rate' | 'pitch' | 'instruct';

/** A library voice resolved for synthesis: what the engine it was made for needs to speak with it. */
export interface CloneVoice {
  /** Library id (stable, e.g. for caching the prompt upstream). */
  id: string;
  /** The engine it was made for: `cosyvoice-selfhost` (prompt sent per request) or `cosyvoice` (enrolled). */
  engine: string;
  /** Self-hosted: the sample as 16 kHz mono 16-bit WAV bytes and its transcript ('' = unknown). */
  prompt?: { wav: Uint8Array; text: string; lang?: string };
  /** DashScope: the voice id returned by enrollment. */
  enrolledVoiceId?: string;
  /** DashScope: the model it was enrolled for (`cloning.targetModel` then); a voice is refused by any other model. */
  enrolledModel?: string;
}
