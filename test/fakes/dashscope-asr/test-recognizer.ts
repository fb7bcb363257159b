/** Helpers for tests of the DashScope recognizer against the fake ASR server, at 10× real time. */
import { firstValueFrom, filter, toArray } from 'rxjs';
import { afterEach } from 'vitest';
import type { RecognitionResult, RecognizerEngine, RecognizerSession, RecognizerStatus } from '../../../server/src/core/recognizer.ts';
import { createDashScopeRecognizer, type DashScopeRecognizerOptions } from '../../../plugin/asr-dashscope/index.ts';
import { startFakeAsrServer, type FakeAsrOptions, type FakeAsrServer } from './fake-asr-server.ts';
import { speechFrame, type ScriptedSentence } from './speech-audio.ts';

/** Audio ms per wall ms in these tests (the fake's `timeScale`). */
export const TIME_SCALE = 10;
export const FRAME_WALL_MS = 100 / TIME_SCALE;

export function testRecognizerOptions(fake: FakeAsrServer, overrides: Partial<DashScopeRecognizerOptions> = {}): DashScopeRecognizerOptions {
  return {
    apiKey: fake.apiKey,
    urls: [fake.url],
    deadlines: { connectMs: 1000, taskStartedMs: 1000, finishMs: 2000 },
    retry: { baseDelayMs: 20, maxDelayMs: 100, jitterRatio: 0 },
    random: () => 0.5,
    ...overrides,
    session: { tickMs: FRAME_WALL_MS, framesPerTick: 4, silenceAckMs: 300, pauseAfterIdleMs: 5000, ...overrides.session },
  };
}

/** Write source frames [from, to) at real time (scaled). */
export async function speak(session: RecognizerSession, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    session.write(speechFrame(i));
    await new Promise((resolve) => setTimeout(resolve, FRAME_WALL_MS));
  }
}

/** Opens a session, speaks frames [0, frames) in real time, finishes, and returns everything it emitted. */
export async function transcribe(engine: RecognizerEngine, frames: number) {
  const session = engine.open();
  const { results, statuses } = record(session);
  await speak(session, 0, frames);
  await session.finish();
  return { session, results: await results, statuses: await statuses };
}

/** Everything a session emits until it ends. */
export function record(session: RecognizerSession) {
  const results = firstValueFrom(session.results$.pipe(toArray()));
  const statuses = firstValueFrom(session.status$.pipe(toArray()));
  return { results, statuses };
}

export const finals = (results: readonly RecognitionResult[]) => results.filter((r) => r.kind === 'final');

export const waitForState = (session: RecognizerSession, state: RecognizerStatus['state']) =>
  firstValueFrom(session.status$.pipe(filter((s) => s.state === state)));

/**
 * For a test file: `setUp()` starts a fake ASR server following `script` and a DashScope
 * recognizer on it; both are closed after each test. `fake` is the current test's server.
 */
export function recognizerFixture(script: readonly ScriptedSentence[], defaults: FakeAsrOptions = {}) {
  let fake: FakeAsrServer | undefined;
  let recognizer: RecognizerEngine | undefined;
  afterEach(async () => {
    await recognizer?.close();
    recognizer = undefined;
    await fake?.close();
    fake = undefined;
  });
  return {
    get fake(): FakeAsrServer {
      if (!fake) throw new Error('call setUp() first');
      return fake;
    },
    async setUp(fakeOptions: FakeAsrOptions = {}, options: Partial<DashScopeRecognizerOptions> = {}): Promise<RecognizerEngine> {
      fake = await startFakeAsrServer({ script, timeScale: TIME_SCALE, ...defaults, ...fakeOptions });
      recognizer = await createDashScopeRecognizer(testRecognizerOptions(fake, options));
      return recognizer;
    },
  };
}
