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
  /** The request's speech parameters this engine applies; the others are ignored. Default none. */
  readonly speechParams?: readonly SpeechParam[];
  /** Voice names the engine knows, when it can list them (the panel's voice picker). */
  voices?(): readonly string[];
  synthesize(request: SynthesisRequest, signal?: AbortSignal): Observable<SynthesisOutput>;
  /** Whether the engine can speak right now (for /healthz). */
  healthy(): boolean;
  close(): Promise<void>;
}

/** What the relay always holds: a chain of one or more engines (fallback order). */
export interface EngineChain extends TtsEngine {
  readonly engines: readonly TtsEngine[];
  /** The engine that spoke (or is speaking) readout `id`; undefined when unknown. */
  spokenBy(id: string): string | undefined;
  statuses(): { name: string; healthy: boolean; reason?: string }[];
  stats(): { spokenBy: Record<string, number> };
  healthReason(): string | undefined;
}
