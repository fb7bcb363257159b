/**
 * One attempt at the rest of an utterance on one self-hosted server: one POST per sentence
 * (the route its voice needs, see routes.ts), in order, streaming raw PCM; after each
 * sentence its word cues are estimated from the text and the audio. Sentence by sentence, a
 * dropped stream resumes at the sentence it cut (the model samples at random, so only that
 * sentence's head is trimmed by sample count). A 200 that ends before any audio is named
 * (unknown speaker, no audio), never "cannot reach". Unsubscribing aborts the request at once.
 */
import { Observable } from 'rxjs';
import { BYTES_PER_SAMPLE } from '../../server/src/core/clock.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import { Pcm16Aligner } from '../../server/src/core/engine-kit/pcm16-aligner.ts';
import { PhaseDeadline } from '../../server/src/core/engine-kit/phase-deadline.ts';
import type { AttemptContext } from '../../server/src/core/engine-kit/resilient-stream.ts';
import { splitSentences } from '../../server/src/core/engine-kit/text-segmentation.ts';
import type { UtteranceProgress } from '../../server/src/core/engine-kit/utterance-progress.ts';
import type { SynthesisOutput, SynthesisRequest } from '../../server/src/core/types.ts';
import { estimateWordCues } from './estimate-word-cues.ts';
import { httpStatusError, networkError, noAudioError } from './http-errors.ts';
import type { ResolvedSelfhostOptions } from './options.ts';
import { routeFor } from './routes.ts';
import type { SpeakingRateCheck } from './speaking-rate.ts';

const HAS_WORDS = /[\p{L}\p{N}]/u;

function concatSamples(chunks: Uint8Array[]): Int16Array {
  const samples = new Int16Array(chunks.reduce((n, c) => n + c.byteLength, 0) / BYTES_PER_SAMPLE);
  const bytes = new Uint8Array(samples.buffer);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return samples;
}

export interface SelfhostAttempt {
  options: ResolvedSelfhostOptions;
  request: SynthesisRequest;
  /** The preset speaker for a request without a cloned voice of this engine. */
  speaker: string;
  rateCheck: SpeakingRateCheck;
}

export function attempt$({ options, request, speaker, rateCheck }: SelfhostAttempt, progress: UtteranceProgress, { endpoint }: AttemptContext): Observable<SynthesisOutput> {
  const { metrics, name: engine, deadlines, sampleRateHz } = options;
  return new Observable<SynthesisOutput>((subscriber) => {
    progress.beginAttempt();
    const sentences = splitSentences(progress.remainingText()).filter((s) => s.trim());
    const abort = new AbortController();
    const deadline = new PhaseDeadline(endpoint.url, (error) => subscriber.error(error));
    let release: (() => void) | undefined;
    let audioStarted = false;
    const named = (error: EngineError) => {
      metrics.countUpstreamError(engine, error.code);
      return error;
    };

    const speakSentence = async (sentence: string, first: boolean) => {
      const sentenceStartMs = progress.attemptAudioMs();
      let phaseStartedMs = Date.now();
      const endPhase = (phase: 'connect' | 'first-audio') => {
        if (first) metrics.observeFirstPacketMs(engine, phase, Date.now() - phaseStartedMs);
        phaseStartedMs = Date.now();
      };
      const call = routeFor(request, sentence, speaker, options.instructRoute);
      deadline.arm('connect', deadlines.connectMs);
      const response = await fetch(`${endpoint.url}${call.route}`, { method: 'POST', body: call.body, signal: abort.signal });
      if (!response.ok || !response.body) {
        metrics.countUpstreamError(engine, `http_${response.status}`);
        throw httpStatusError(call, response.status, await response.text().catch(() => ''), endpoint.url);
      }
      endPhase('connect');
      deadline.arm('first-audio', deadlines.firstAudioMs);
      const aligner = new Pcm16Aligner();
      const received: Uint8Array[] = [];
      const reader = response.body.getReader();
      try {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          const pcm = aligner.push(chunk.value);
          if (!pcm) continue;
          if (received.length === 0) endPhase('first-audio');
          deadline.arm('stall', deadlines.stallMs);
          received.push(pcm);
          audioStarted = true;
          const fresh = progress.takeAudio(pcm);
          if (fresh) subscriber.next({ kind: 'audio', pcm: fresh, sampleRateHz });
        }
      } catch (error) {
        // server.py sends its 200 before the model runs: a cut before any audio is the model failing on this request.
        if (received.length === 0 && !abort.signal.aborted) throw named(noAudioError(call, true, endpoint.url));
        throw error;
      }
      deadline.clear();
      if (received.length === 0 && HAS_WORDS.test(sentence)) throw named(noAudioError(call, false, endpoint.url));
      const samples = concatSamples(received);
      rateCheck.observe(endpoint.url, sentence, samples.length);
      const words = estimateWordCues(sentence, samples, sampleRateHz, options.silence).map((w) => ({
        text: w.text,
        startMs: progress.toUtteranceMs(sentenceStartMs + w.startMs),
        endMs: progress.toUtteranceMs(sentenceStartMs + w.endMs),
      }));
      const fresh = progress.takeWords(words);
      if (fresh.length > 0) subscriber.next({ kind: 'cue', words: fresh, timing: 'estimated' });
      progress.completeSentence(sentence);
    };

    const run = async () => {
      const granted = await options.limiter.acquire(abort.signal);
      if (subscriber.closed) return granted();
      release = granted;
      for (const [index, sentence] of sentences.entries()) await speakSentence(sentence, index === 0);
      subscriber.complete();
    };
    run().catch((error: unknown) => {
      if (subscriber.closed) return;
      subscriber.error(error instanceof EngineError ? error : networkError(error, endpoint.url, audioStarted));
    });

    return () => {
      deadline.clear();
      abort.abort();
      release?.();
    };
  });
}
