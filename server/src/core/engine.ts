import type { Observable } from 'rxjs';
import type { SpeechParam, SynthesisOutput, SynthesisRequest } from './types.ts';

/**
 * A streaming TTS engine. `synthesize` returns a cold observable: subscribing starts
 * synthesis, unsubscribing (or aborting `signal`) stops it at once. Audio chunks are
 * emitted as soon as they are produced; word cues are on the same clock as the audio
 * (ms from the first sample of this request) and arrive no later than the audio they
 * describe is complete. Errors are `EngineError`s.
 */
export interface TtsEngine {
  readonly name: string;
  /** Sample rate of every AudioChunk this engine emits. */
  readonly sampleRateHz: number;
  /** The request's speech parameters this engine applies; the others are ignored ([] = none). */
  readonly speechParams: readonly SpeechParam[];
  /** Voice names the engine knows, for the panel's voice picker ([] = it cannot list them). */
  voices(): readonly string[];
  /** Whether and how it speaks cloned voices (`SynthesisRequest.clone`). */
  readonly cloning: VoiceCloning;
  synthesize(request: SynthesisRequest, signal?: AbortSignal): Observable<SynthesisOutput>;
  /** Whether the engine can speak right now (for /healthz). */
  healthy(): boolean;
  /** Each upstream server and whether it answers (network engines; undefined or [] = none). */
  endpointStatuses?(): readonly EndpointStatus[];
  /** Why the engine cannot speak, a sentence for the operator; undefined while healthy. */
  healthReason(): string | undefined;
  close(): Promise<void>;
}

/** A voice sample to enrol upstream as a cloned voice. */
export interface EnrollmentSample {
  /** The library's name of the voice (a hint for the upstream's own name/prefix). */
  name: string;
  /** 16 kHz mono 16-bit WAV bytes. */
  wav: Uint8Array;
  /** Transcript of the sample ('' = unknown). */
  promptText: string;
}

/**
 * How an engine speaks a cloned voice: not at all; with the sample sent along each request
 * (self-hosted CosyVoice); or with a voice enrolled once upstream for one target model
 * (DashScope voice enrollment).
 */
export type VoiceCloning =
  | { kind: 'none' }
  | { kind: 'prompt' }
  | {
      kind: 'enrolled';
      /** The model enrolled voices are bound to (a voice enrolled for another model is refused). */
      targetModel: string;
      /** Enrols the sample and waits until the voice is ready; resolves to its voice id. Throws EngineError. */
      enroll(sample: EnrollmentSample, signal?: AbortSignal): Promise<string>;
      remove(enrolledVoiceId: string): Promise<void>;
    };

export const NO_CLONING: VoiceCloning = { kind: 'none' };

/** One upstream server of a network engine as /healthz and the panel show it. */
export interface EndpointStatus {
  url: string;
  /** It answered the last probe or request (an answer that is an error still counts). */
  reachable: boolean;
  /** Why not, or what the probe found wrong (e.g. a sample rate that does not fit the audio). */
  detail?: string;
  /** When this was last learned (0 = not checked yet). */
  checkedAtMs: number;
}

/** One engine of a chain as /healthz shows it. */
export interface EngineStatus {
  name: string;
  healthy: boolean;
  reason?: string;
  /** Its upstream servers (network engines). */
  endpoints?: EndpointStatus[];
}

/** What the relay always holds: a chain of one or more engines (fallback order). */
export interface EngineChain extends TtsEngine {
  /** The chain, in order (the panel's voice test speaks through one of them). */
  readonly engines: readonly TtsEngine[];
  /** The engine that spoke (or is speaking) readout `id`; undefined when unknown. */
  spokenBy(id: string): string | undefined;
  /** Each engine of the chain, in order, with why it cannot speak when it cannot. */
  statuses(): EngineStatus[];
  stats(): EngineChainStats;
}

export interface EngineChainStats {
  /** Requests spoken, by engine name. */
  spokenBy: Record<string, number>;
  /** Switches to a next engine, by reason (error code, `first_packet_budget`, `unhealthy`). */
  failovers: Record<string, number>;
}
