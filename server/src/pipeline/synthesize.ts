/**
 * Stage "synthesize" of the readout path: a readout becomes its engine's streaming output.
 * The request carries the readout's own voice (resolved: a library clone → `clone`, a preset
 * → `voice`), instruction and language, else the streamer's defaults; rate and pitch come
 * from the defaults (the engine applies what it declares in `speechParams`). Unsubscribing
 * stops the synthesis at once (the engine's observable is cold).
 */
import { switchMap, type OperatorFunction } from 'rxjs';
import type { TtsEngine } from '../core/engine.ts';
import type { SynthesisOutput, SynthesisRequest, Utterance } from '../core/types.ts';
import type { ResolvedVoice, VoiceResolver } from '../core/voices.ts';

/** The streamer's speech settings: the voice applies to readouts without one; rate and pitch to all. */
export interface SpeechDefaults {
  voice?: string;
  /** Multiple of the engine's normal speed. */
  rate?: number;
  /** Multiple of the engine's normal pitch. */
  pitch?: number;
  /** Applied by the relay to the engine's PCM (100 = unchanged). */
  volumePercent?: number;
}

/**
 * Without `voices` every name is an engine preset. A name the resolver no longer knows (a
 * library voice deleted while the readout waited) falls back to the default voice.
 */
export function synthesisRequest(
  u: Pick<Utterance, 'id' | 'text' | 'voice' | 'lang' | 'instruct'>,
  speech: SpeechDefaults,
  voices?: VoiceResolver,
): SynthesisRequest {
  const resolve = (name: string | undefined): ResolvedVoice | undefined =>
    name === undefined ? undefined : voices ? voices.resolve(name) : { kind: 'preset', name };
  const chosen = resolve(u.voice) ?? resolve(speech.voice);
  return {
    id: u.id,
    text: u.text,
    ...(chosen?.kind === 'preset' && { voice: chosen.name }),
    ...(chosen?.kind === 'clone' && { clone: chosen.clone }),
    ...(u.lang !== undefined && { lang: u.lang }),
    ...(speech.rate !== undefined && { rate: speech.rate }),
    ...(speech.pitch !== undefined && { pitch: speech.pitch }),
    ...(u.instruct !== undefined && { instruct: u.instruct }),
  };
}

/** One readout in (the limiter hands over one per slot), its engine output out. */
export function synthesize(
  engine: Pick<TtsEngine, 'synthesize'>,
  speech: SpeechDefaults,
  voices?: VoiceResolver,
): OperatorFunction<Utterance, SynthesisOutput> {
  return switchMap((u) => engine.synthesize(synthesisRequest(u, speech, voices)));
}
