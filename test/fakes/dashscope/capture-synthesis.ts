/** Test helper: run one synthesis to the end and gather its audio, cues and outcome. */
import { lastValueFrom, tap } from 'rxjs';
import { expect } from 'vitest';
import type { TtsEngine } from '../../../server/src/core/engine.ts';
import type { SynthesisOutput, SynthesisRequest, TimedWord } from '../../../server/src/core/types.ts';
import { referenceSynthesis } from './reference-synthesis.ts';

export interface CapturedSynthesis {
  outputs: SynthesisOutput[];
  /** All PCM, concatenated in order. */
  pcm: Uint8Array;
  words: TimedWord[];
  timings: Set<string>;
  sampleRates: Set<number>;
  /** ms from subscribe to the first audio chunk. */
  firstAudioMs: number | undefined;
  error: unknown;
}

function concatPcm(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

export async function captureSynthesis(engine: TtsEngine, request: SynthesisRequest, signal?: AbortSignal): Promise<CapturedSynthesis> {
  const startedMs = performance.now();
  let firstAudioMs: number | undefined;
  const outputs: SynthesisOutput[] = [];
  let error: unknown;
  try {
    const collect = tap((output: SynthesisOutput) => {
      outputs.push(output);
      if (output.kind === 'audio') firstAudioMs ??= performance.now() - startedMs;
    });
    await lastValueFrom(engine.synthesize(request, signal).pipe(collect), { defaultValue: undefined });
  } catch (caught) {
    error = caught;
  }
  return {
    outputs,
    pcm: concatPcm(outputs.flatMap((o) => (o.kind === 'audio' ? [o.pcm] : []))),
    words: outputs.flatMap((o) => (o.kind === 'cue' ? o.words : [])),
    timings: new Set(outputs.flatMap((o) => (o.kind === 'cue' ? [o.timing] : []))),
    sampleRates: new Set(outputs.flatMap((o) => (o.kind === 'audio' ? [o.sampleRateHz] : []))),
    firstAudioMs,
    error,
  };
}

/** Where two PCM buffers first differ (undefined when identical); cheaper and clearer than a deep equal. */
export function pcmDifference(actual: Uint8Array, expected: Uint8Array): { atByte: number; actualBytes: number; expectedBytes: number } | undefined {
  const length = Math.min(actual.byteLength, expected.byteLength);
  const index = Buffer.from(actual.buffer, actual.byteOffset, length).compare(Buffer.from(expected.buffer, expected.byteOffset, length)) === 0
    ? length
    : actual.findIndex((byte, i) => byte !== expected[i]);
  if (index === length && actual.byteLength === expected.byteLength) return undefined;
  return { atByte: index, actualBytes: actual.byteLength, expectedBytes: expected.byteLength };
}

/**
 * Synthesizes a burst of `count` short Chinese readouts at once and checks each came back
 * whole, error-free and bit-exact against the reference synthesis (16 kHz). Returns the ms
 * the burst took to drain.
 */
export async function drainExactBurst(engine: TtsEngine, count: number): Promise<number> {
  const burst = Array.from({ length: count }, (_, i) => ({ id: `b${i}`, text: `第${i}条。` }));
  const startedMs = performance.now();
  const results = await Promise.all(burst.map((request) => captureSynthesis(engine, request)));
  const drainMs = performance.now() - startedMs;
  expect(results.map((r) => r.error)).toEqual(burst.map(() => undefined));
  results.forEach((result, i) => {
    expect(pcmDifference(result.pcm, referenceSynthesis(burst[i]!.text, { sampleRateHz: 16_000 }).pcm)).toBeUndefined();
  });
  return drainMs;
}
