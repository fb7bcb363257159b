/**
 * One attempt at the rest of an utterance on one self-hosted server: one POST
 * /inference_sft per sentence, in order, streaming raw PCM; after each sentence its word
 * cues are estimated from the text and the audio. Sentence by sentence, a dropped stream
 * resumes at the sentence it cut (the model samples at random, so only that sentence's
 * head is trimmed by sample count). Unsubscribing aborts the request at once.
 */
import { Observable } from 'rxjs';
import { BYTES_PER_SAMPLE } from '../../server/src/core/clock.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import { Pcm16Aligner } from '../../server/src/core/engine-kit/pcm16-aligner.ts';
import { PhaseDeadline } from '../../server/src/core/engine-kit/phase-deadline.ts';
import type { AttemptContext } from '../../server/src/core/engine-kit/resilient-stream.ts';
import { splitSentences } from '../../server/src/core/engine-kit/text-segmentation.ts';
import type { UtteranceProgress } from '../../server/src/core/engine-kit/utterance-progress.ts';
import type { SynthesisOutput } from '../../server/src/core/types.ts';
import { estimateWordCues } from './estimate-word-cues.ts';
import { httpStatusError, networkError } from './http-errors.ts';
import type { ResolvedSelfhostOptions } from './options.ts';

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

export function attempt$(
  options: ResolvedSelfhostOptions,
  speaker: string,
  progress: UtteranceProgress,
  { endpoint }: AttemptContext,
): Observable<SynthesisOutput> {
  const { metrics, name: engine, deadlines, sampleRateHz } = options;
  return new Observable<SynthesisOutput>((subscriber) => {
    progress.beginAttempt();
    const sentences = splitSentences(progress.remainingText()).filter((s) => s.trim());
    const abort = new AbortController();
    const deadline = new PhaseDeadline(endpoint.url, (error) => subscriber.error(error));
    let release: (() => void) | undefined;
    let audioStarted = false;

    const speakSentence = async (sentence: string, first: boolean) => {
      const sentenceStartMs = progress.attemptAudioMs();
      let phaseStartedMs = Date.now();
      const endPhase = (phase: 'connect' | 'first-audio') => {
        if (first) metrics.observeFirstPacketMs(engine, phase, Date.now() - phaseStartedMs);
        phaseStartedMs = Date.now();
      };
      deadline.arm('connect', deadlines.connectMs);
      const response = await fetch(`${endpoint.url}/inference_sft`, {
        method: 'POST',
        body: new URLSearchParams({ tts_text: sentence, spk_id: speaker }),
        signal: abort.signal,
      });
      if (!response.ok || !response.body) {
        metrics.countUpstreamError(engine, `http_${response.status}`);
        throw httpStatusError(response.status, await response.text().catch(() => ''), endpoint.url);
      }
      endPhase('connect');
      deadline.arm('first-audio', deadlines.firstAudioMs);
      const aligner = new Pcm16Aligner();
      const received: Uint8Array[] = [];
      const reader = response.body.getReader();
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
      deadline.clear();
      const words = estimateWordCues(sentence, concatSamples(received), sampleRateHz, options.silence).map((w) => ({
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
