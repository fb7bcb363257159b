/**
 * Stage "synthesize" of the readout path: a readout becomes its engine's streaming output.
 * The request carries the readout's own voice and language, else the streamer's defaults;
 * rate and pitch come from the defaults (the engine applies what it declares in
 * `speechParams`). Unsubscribing stops the synthesis at once (the engine's observable is cold).
 */
import { switchMap, type OperatorFunction } from 'rxjs';
import type { TtsEngine } from '../core/engine.ts';
import type { SynthesisOutput, SynthesisRequest, Utterance } from '../core/types.ts';

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

export function synthesisRequest(u: Pick<Utterance, 'id' | 'text' | 'voice' | 'lang'>, speech: SpeechDefaults): SynthesisRequest {
  const voice = u.voice ?? speech.voice;
  return {
    id: u.id,
    text: u.text,
    ...(voice !== undefined && { voice }),
    ...(u.lang !== undefined && { lang: u.lang }),
    ...(speech.rate !== undefined && { rate: speech.rate }),
    ...(speech.pitch !== undefined && { pitch: speech.pitch }),
  };
}

/** One readout in (the limiter hands over one per slot), its engine output out. */
export function synthesize(engine: Pick<TtsEngine, 'synthesize'>, speech: SpeechDefaults): OperatorFunction<Utterance, SynthesisOutput> {
  return switchMap((u) => engine.synthesize(synthesisRequest(u, speech)));
}
