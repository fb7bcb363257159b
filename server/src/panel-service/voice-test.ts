/**
 * The panel's voice test: a short text spoken by one engine of the chain with the chosen
 * voice, rate, pitch and volume, returned as PCM for the panel to play. Never queued, never
 * sent to overlays. Bounded in text, audio length and time. The voice may be a library
 * voice (id or name): it then speaks with the engine it belongs to (a clone with its sample).
 */
import { randomUUID } from 'node:crypto';
import type { Subscription } from 'rxjs';
import { z } from 'zod';
import { BYTES_PER_SAMPLE, msToSamples, pcmBytesToMs } from '../core/clock.ts';
import type { TtsEngine } from '../core/engine.ts';
import { EngineError, NotFoundError } from '../core/errors.ts';
import type { VoiceTestResult } from '../core/protocol.ts';
import type { SpeechParam, SynthesisRequest } from '../core/types.ts';
import type { VoiceResolver } from '../core/voices.ts';
import { parseWith } from '../gateway/validate.ts';
import { gainOf, withGain } from '../pipeline/gain.ts';
import { VoiceSettings } from '../settings/voice-settings.ts';

const VOICE_TEST_MAX_CHARS = 300;

const VoiceTestRequest = VoiceSettings.extend({
  engine: z.string().min(1).max(100),
  text: z.string().trim().min(1).max(VOICE_TEST_MAX_CHARS),
});

export interface VoiceTestLimits {
  /** Audio beyond this is cut (the result says `truncated`). */
  maxAudioMs: number;
  /** The engine must finish (or reach maxAudioMs) within this. */
  timeoutMs: number;
}

const DEFAULT_VOICE_TEST_LIMITS: VoiceTestLimits = { maxAudioMs: 20_000, timeoutMs: 15_000 };

const SPEECH_PARAMS: readonly SpeechParam[] = ['rate', 'pitch'];

/** The speech parameters `engine` does not apply. */
function ignoredSpeechParams(engine: TtsEngine): SpeechParam[] {
  return SPEECH_PARAMS.filter((p) => !engine.speechParams?.includes(p));
}

/** What the voice test speaks with: the chain's engines, and the voice library when there is one. */
export interface VoiceTestDeps {
  engines: readonly TtsEngine[];
  voices?: VoiceResolver;
}

/**
 * The engine and the request's voice: a library voice (preset or clone, by id or name) names
 * its own engine; any other voice goes to the chosen engine as it is.
 */
function voiceOf(voices: VoiceResolver | undefined, engine: string, voice: string | undefined): { engine: string } & Pick<SynthesisRequest, 'voice' | 'clone'> {
  const resolved = voice === undefined ? undefined : voices?.resolve(voice);
  if (resolved?.kind === 'clone') return { engine: resolved.clone.engine, clone: resolved.clone };
  if (resolved?.kind === 'preset') return { engine: resolved.engine ?? engine, voice: resolved.name };
  return { engine, ...(voice !== undefined && { voice }) };
}

/** Throws ValidationError (bad request), NotFoundError (no such engine), EngineError (synthesis failed or timed out). */
export async function testVoice(
  { engines, voices }: VoiceTestDeps,
  input: unknown,
  signal: AbortSignal,
  limits: VoiceTestLimits = DEFAULT_VOICE_TEST_LIMITS,
): Promise<VoiceTestResult> {
  const { engine: chosen, text, voice: requested, rate, pitch, volumePercent } = parseWith(VoiceTestRequest, input, 'invalid_body', 'voice test');
  const { engine: name, ...voice } = voiceOf(voices, chosen, requested);
  const engine = engines.find((e) => e.name === name);
  if (!engine) throw new NotFoundError(`no engine named ${name} (engines: ${engines.map((e) => e.name).join(', ')})`);

  const maxBytes = msToSamples(limits.maxAudioMs, engine.sampleRateHz) * BYTES_PER_SAMPLE;
  const controller = new AbortController();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let truncated = false;
  let settled = false;
  let subscription: Subscription | undefined;
  return new Promise<VoiceTestResult>((resolve, reject) => {
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      subscription?.unsubscribe();
      controller.abort();
      if (error) return reject(error);
      const pcm = Buffer.concat(chunks);
      resolve({
        engine: engine.name,
        sampleRateHz: engine.sampleRateHz,
        pcm,
        durationMs: pcmBytesToMs(pcm.byteLength, engine.sampleRateHz),
        truncated,
        ignoredParams: ignoredSpeechParams(engine),
      });
    };
    const onAbort = () => finish(new EngineError('voice_test_cancelled', 'voice test cancelled', false));
    const timer = setTimeout(
      () => finish(new EngineError('voice_test_timeout', `${engine.name} did not finish the voice test within ${limits.timeoutMs} ms`, true)),
      limits.timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    const request: SynthesisRequest = { id: `voice-test-${randomUUID()}`, text, rate, pitch, ...voice };
    subscription = engine
      .synthesize(request, controller.signal)
      .pipe(withGain(gainOf(volumePercent)))
      .subscribe({
        next: (output) => {
          if (output.kind !== 'audio') return;
          const room = maxBytes - bytes;
          chunks.push(output.pcm.byteLength > room ? output.pcm.subarray(0, room) : output.pcm);
          bytes += Math.min(room, output.pcm.byteLength);
          if (bytes >= maxBytes) {
            truncated = true;
            finish();
          }
        },
        error: (error: unknown) => finish(error),
        complete: () => finish(),
      });
    if (settled) subscription.unsubscribe(); // it finished while subscribing
    if (signal.aborted) onAbort();
  });
}
