import { lastValueFrom, tap, toArray, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplesToMs } from '../../server/src/core/clock.ts';
import { SILENCE_THRESHOLD_SAMPLE } from '../../server/src/core/engine-kit/leading-silence.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import type { AudioChunk, SynthesisOutput, TimedWord } from '../../server/src/core/types.ts';
import { createEmbeddedEngine } from './index.ts';

const LONG_TEXT = Array.from({ length: 8 }, (_, i) => `This is sentence number ${i + 1} of a long readout.`).join(' ');

function collect(output$: Observable<SynthesisOutput>): Promise<SynthesisOutput[]> {
  return lastValueFrom(output$.pipe(toArray()));
}

function audioOf(outputs: SynthesisOutput[]): AudioChunk[] {
  return outputs.filter((o): o is AudioChunk => o.kind === 'audio');
}

function wordsOf(outputs: SynthesisOutput[]): TimedWord[] {
  return outputs.flatMap((o) => (o.kind === 'cue' ? o.words : []));
}

function samplesOf(chunks: AudioChunk[]): Int16Array {
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.pcm.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk.pcm, offset);
    offset += chunk.pcm.byteLength;
  }
  const view = new DataView(bytes.buffer);
  return Int16Array.from({ length: bytes.length / 2 }, (_, i) => view.getInt16(i * 2, true));
}

function rms(samples: Int16Array): number {
  return Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length);
}

/** Asserts the cue invariants and returns the audio's duration. */
function expectWellTimed(outputs: SynthesisOutput[]): number {
  const durationMs = samplesToMs(samplesOf(audioOf(outputs)).length, 22050);
  let emittedMs = 0;
  let previousStartMs = -1;
  for (const output of outputs) {
    if (output.kind === 'audio') {
      emittedMs += samplesToMs(output.pcm.byteLength / 2, output.sampleRateHz);
      continue;
    }
    expect(output.timing).toBe('engine');
    for (const word of output.words) {
      expect(word.text.trim()).not.toBe('');
      expect(word.startMs).toBeGreaterThan(previousStartMs);
      expect(word.endMs).toBeGreaterThan(word.startMs);
      expect(word.endMs).toBeLessThanOrEqual(emittedMs + 1e-6); // never ahead of the audio
      previousStartMs = word.startMs;
    }
  }
  expect(emittedMs).toBeCloseTo(durationMs, 6);
  return durationMs;
}

describe('embedded engine (eSpeak NG)', () => {
  let engine: TtsEngine;
  beforeAll(async () => {
    engine = await createEmbeddedEngine();
  });
  afterAll(() => engine.close());

  it('is named, healthy and speaks at 22050 Hz', () => {
    expect(engine.name).toBe('embedded');
    expect(engine.sampleRateHz).toBe(22050);
    expect(engine.healthy()).toBe(true);
  });

  it.each([
    ['zh', '你好，欢迎来到直播间！', ['你好', '欢迎', '来', '到', '直', '播', '间']],
    ['en', 'Thanks for the follow, see you soon!', ['Thanks', 'see', 'you', 'soon']],
  ])('speaks %s text with engine word cues inside the audio', async (_lang, text, expected) => {
    const outputs = await collect(engine.synthesize({ id: 'u1', text }));
    const chunks = audioOf(outputs);
    expect(chunks.every((c) => c.sampleRateHz === 22050)).toBe(true);
    // One chunk per worker block: eSpeak's buffer of ~100 ms (2,206 samples at 22,050 Hz), never cut into a block and a remainder.
    expect(chunks.every((c) => c.pcm.byteLength <= 2 * 2206)).toBe(true);
    expect(chunks.some((c) => c.pcm.byteLength === 2 * 2206)).toBe(true);
    expect(rms(samplesOf(chunks))).toBeGreaterThan(500);
    const durationMs = expectWellTimed(outputs);
    expect(durationMs).toBeGreaterThan(500);
    const words = wordsOf(outputs).map((w) => w.text);
    expect(words).toEqual(expect.arrayContaining(expected));
  });

  it.each(['Thanks for the follow!', '感谢老板的礼物，Thank you so much.'])(
    'starts at the voice: the lead-in silence eSpeak renders (12 and 39 ms here) is trimmed, cues stay inside the audio (%s)',
    async (text) => {
      const outputs = await collect(engine.synthesize({ id: 'u-lead', text }));
      const samples = samplesOf(audioOf(outputs));
      expect(Math.abs(samples[0]!)).toBeGreaterThan(SILENCE_THRESHOLD_SAMPLE);
      expect(outputs[0]!.kind).toBe('audio');
      expectWellTimed(outputs);
      expect(wordsOf(outputs)[0]!.startMs).toBe(0);
    },
  );

  it('speaks a voice whose dictionary is read from the data package on demand', async () => {
    const outputs = await collect(engine.synthesize({ id: 'u-ru', text: 'Привет, спасибо за подписку!', voice: 'ru' }));
    expect(rms(samplesOf(audioOf(outputs)))).toBeGreaterThan(500);
    expectWellTimed(outputs);
    expect(wordsOf(outputs).map((w) => w.text)).toEqual(expect.arrayContaining(['Привет', 'спасибо']));
  });

  it('reads mixed Chinese and English with a voice per script, cues in order', async () => {
    const outputs = await collect(engine.synthesize({ id: 'u2', text: '你好，欢迎来到直播间！Thanks for the follow.' }));
    expectWellTimed(outputs);
    const words = wordsOf(outputs).map((w) => w.text);
    expect(words.slice(0, 2)).toEqual(['你好', '欢迎']);
    expect(words.indexOf('间')).toBeLessThan(words.indexOf('Thanks'));
    expect(words.at(-1)).toBe('follow');
    // The cue for the Chinese part arrives before the English audio.
    const firstCue = outputs.findIndex((o) => o.kind === 'cue');
    expect(outputs.slice(firstCue + 1).some((o) => o.kind === 'audio')).toBe(true);
  });

  it('maps word positions past an emoji correctly', async () => {
    const outputs = await collect(engine.synthesize({ id: 'u3', text: 'Hi 😀 there, 3.14 cats!' }));
    expectWellTimed(outputs);
    expect(wordsOf(outputs).map((w) => w.text)).toEqual(['Hi', '😀', 'there', '3.14', 'cats']);
  });

  it('streams a long text: first audio long before the last sentence, one cue per sentence', async () => {
    const startedAtMs = performance.now();
    const arrivalsMs: number[] = [];
    const output$ = engine.synthesize({ id: 'u4', text: LONG_TEXT });
    const outputs = await collect(output$.pipe(tap(() => arrivalsMs.push(performance.now()))));
    const totalMs = performance.now() - startedAtMs;
    const kinds = outputs.map((o) => o.kind);
    const cueIndexes = kinds.flatMap((k, i) => (k === 'cue' ? [i] : []));
    expect(cueIndexes).toHaveLength(8);
    expect(kinds[0]).toBe('audio');
    expectWellTimed(outputs);
    // Each sentence's audio arrives before its cue, and later sentences arrive later.
    const firstAudioAtMs = arrivalsMs[0]!;
    const lastSentenceAudioAtMs = arrivalsMs[cueIndexes.at(-2)! + 1]!;
    expect(firstAudioAtMs).toBeLessThan(arrivalsMs[cueIndexes[0]!]!);
    expect(firstAudioAtMs).toBeLessThan(lastSentenceAudioAtMs);
    expect(firstAudioAtMs - startedAtMs).toBeLessThan(totalMs / 2);
  });

  it('speaks faster or slower per request (rate) and lists its voices, then returns to the default prosody', async () => {
    expect(engine.speechParams).toEqual(['rate', 'pitch']);
    expect(engine.voices?.()).toEqual(expect.arrayContaining(['cmn', 'en-us']));
    const text = 'A steady sentence for timing.';
    const fast = expectWellTimed(await collect(engine.synthesize({ id: 'r1', text, rate: 2, pitch: 1.5 })));
    const slow = expectWellTimed(await collect(engine.synthesize({ id: 'r2', text, rate: 0.5, pitch: 0.5 })));
    const normal = expectWellTimed(await collect(engine.synthesize({ id: 'r3', text })));
    expect(slow).toBeGreaterThan(normal * 1.4);
    expect(fast).toBeLessThan(normal * 0.75);
  });

  it('rejects empty text with engine_input', async () => {
    await expect(collect(engine.synthesize({ id: 'u5', text: '  \n ' }))).rejects.toMatchObject({
      code: 'engine_input',
      retryable: false,
    });
  });

  describe('cancellation', () => {
    const VERY_LONG_TEXT = Array.from({ length: 24 }, (_, i) => `Sentence ${i + 1} of a long readout.`).join(' ');

    it('stops at once on unsubscribe, and the next request runs promptly', async () => {
      const startedAtMs = performance.now();
      await collect(engine.synthesize({ id: 'c0', text: VERY_LONG_TEXT }));
      const fullMs = performance.now() - startedAtMs;

      const received: SynthesisOutput[] = [];
      let cancelledAtMs = 0;
      await new Promise<void>((resolve) => {
        const subscription = engine.synthesize({ id: 'c1', text: VERY_LONG_TEXT }).subscribe((output) => {
          received.push(output);
          subscription.unsubscribe();
          cancelledAtMs = performance.now();
          resolve();
        });
      });
      const next = await collect(engine.synthesize({ id: 'c2', text: 'Still working.' }));
      const followUpMs = performance.now() - cancelledAtMs;
      expect(audioOf(next).length).toBeGreaterThan(0);
      expect(followUpMs).toBeLessThan(fullMs / 2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received).toHaveLength(1);
      expect(received[0]!.kind).toBe('audio');
    });

    it('stops on abort with engine_aborted and nothing after', async () => {
      const controller = new AbortController();
      const received: SynthesisOutput[] = [];
      const error = await lastValueFrom(
        engine.synthesize({ id: 'c3', text: VERY_LONG_TEXT }, controller.signal).pipe(
          tap((output) => {
            received.push(output);
            controller.abort();
          }),
        ),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect(error).toMatchObject({ code: 'engine_aborted', retryable: false });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received).toHaveLength(1);
      expect(audioOf(await collect(engine.synthesize({ id: 'c4', text: '好的。' }))).length).toBeGreaterThan(0);
    });

    it('cancels requests still waiting for the worker', async () => {
      const running = engine.synthesize({ id: 'q0', text: VERY_LONG_TEXT }).subscribe();
      const waitingOutputs: SynthesisOutput[] = [];
      engine.synthesize({ id: 'q1', text: 'never spoken' }).subscribe((o) => waitingOutputs.push(o)).unsubscribe();
      const controller = new AbortController();
      const aborted = collect(engine.synthesize({ id: 'q2', text: 'never spoken either' }, controller.signal));
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ code: 'engine_aborted' });
      running.unsubscribe();
      const next = await collect(engine.synthesize({ id: 'q3', text: 'Next please.' }));
      expect(audioOf(next).length).toBeGreaterThan(0);
      expect(waitingOutputs).toEqual([]);
    });

    it('refuses an already aborted signal', async () => {
      await expect(collect(engine.synthesize({ id: 'q4', text: 'hi' }, AbortSignal.abort()))).rejects.toMatchObject({
        code: 'engine_aborted',
      });
    });
  });

  it('runs requests in parallel on a pool, at the configured rate', async () => {
    const slow = await createEmbeddedEngine({ workers: 2, rateWpm: 100 });
    try {
      const text = 'A steady sentence for timing.';
      const [normal, slowA, slowB] = await Promise.all([
        collect(engine.synthesize({ id: 'p0', text })),
        collect(slow.synthesize({ id: 'p1', text })),
        collect(slow.synthesize({ id: 'p2', text: '你好，欢迎！' })),
      ]);
      expect(expectWellTimed(slowA)).toBeGreaterThan(expectWellTimed(normal) * 1.3);
      expect(wordsOf(slowB).map((w) => w.text)).toEqual(['你好', '欢迎']);
    } finally {
      await slow.close();
    }
  });
});
