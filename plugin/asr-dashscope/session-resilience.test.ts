import { describe, expect, it } from 'vitest';
import { scriptedSentence } from '../../test/fakes/dashscope-asr/speech-audio.ts';
import { finals, record, recognizerFixture, speak, transcribe, waitForState } from '../../test/fakes/dashscope-asr/test-recognizer.ts';

// Eight sentences, 1.2 s apart, each 0.9 s long: 12 s of speech.
const WORDS = [['一', '二', '三'], ['四', '五', '六'], ['七', '八', '九'], ['十', '百', '千'], ['甲', '乙', '丙'], ['丁', '戊', '己'], ['庚', '辛', '壬'], ['子', '丑', '寅']];
const SCRIPT = WORDS.map((words, i) => scriptedSentence(300 + i * 1500, words));
const TEXTS = WORDS.map((w) => `${w.join('')}。`);
const FRAMES = 125;

const fixture = recognizerFixture(SCRIPT, { maxGapMs: 5000 });
const { setUp } = fixture;

/** Every source frame reached the server at least once. */
const everyFrameHeard = () => Array.from({ length: FRAMES }, (_, i) => i).filter((i) => !fixture.fake.stats.sourceFrames.has(i));

describe('DashScope recognizer session: long sessions and failures', () => {
  it('rolls over to a new task before the limit without losing audio or repeating a final', async () => {
    const engine = await setUp({}, { session: { rolloverAfterMs: 350, rolloverWindowMs: 100 } });
    const { session, results: all, statuses } = await transcribe(engine, FRAMES);
    expect(finals(all).map((r) => r.text)).toEqual(TEXTS);
    expect(new Set(finals(all).map((r) => r.sentenceId)).size).toBe(TEXTS.length);
    expect(session.usage().rollovers).toBeGreaterThanOrEqual(2);
    expect(fixture.fake.stats.tasksStarted).toBe(session.usage().tasksStarted);
    expect(statuses.map((s) => s.state)).toContain('rolling-over');
    expect(everyFrameHeard()).toEqual([]);
    // Times stay on the session clock across tasks.
    expect(finals(all).at(-1)).toMatchObject({ startMs: 300 + 7 * 1500, endMs: 300 + 7 * 1500 + 900 });
    expect(fixture.fake.stats.pacing).toEqual([]);
  });

  it('switches a rollover at a sentence end: the sentence in progress keeps its id in the next task', async () => {
    const engine = await setUp({}, { session: { rolloverAfterMs: 200, rolloverWindowMs: 5000 } });
    const { results: all } = await transcribe(engine, FRAMES);
    expect(finals(all).map((r) => r.text)).toEqual(TEXTS);
    for (const final of finals(all)) {
      const partials = all.filter((r) => r.sentenceId === final.sentenceId && r.kind === 'partial');
      expect(partials.every((p) => final.text.startsWith(p.text.replace('。', '')))).toBe(true);
    }
  });

  it('reconnects after a drop mid-stream, replays the unacknowledged audio, and emits each sentence once', async () => {
    const engine = await setUp();
    fixture.fake.injectTaskFault({ kind: 'drop-after-frames', frames: 37 }); // mid-sentence 3 (3.3–4.2 s)
    const { session, results: all, statuses } = await transcribe(engine, FRAMES);
    expect(finals(all).map((r) => r.text)).toEqual(TEXTS);
    expect(new Set(finals(all).map((r) => r.sentenceId)).size).toBe(TEXTS.length);
    const usage = session.usage();
    expect(usage).toMatchObject({ reconnects: 1, tasksStarted: 2, audioDroppedMs: 0 });
    expect(usage.audioReplayedMs).toBeGreaterThan(0);
    // The replay starts where the last final ended: sentence 3 is heard again from its start, nothing before it.
    expect(usage.audioReplayedMs).toBeLessThanOrEqual(1100);
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'running', 'reconnecting', 'running', 'stopped']);
    expect(everyFrameHeard()).toEqual([]);
  });

  it('suppresses a final recognized twice when the replay covers audio a final already reported', async () => {
    // The recognizer reports each final's end 300 ms early (its last word's end too): that audio stays
    // unacknowledged, and a drop between sentence 2's final and sentence 3's first partial replays it.
    const engine = await setUp({ finalEndEarlyMs: 300 });
    fixture.fake.injectTaskFault({ kind: 'drop-after-frames', frames: 33 });
    const { session, results: all } = await transcribe(engine, FRAMES);
    expect(finals(all).map((r) => r.text)).toEqual(TEXTS);
    expect(session.usage()).toMatchObject({ reconnects: 1, duplicateFinalsSuppressed: 1 });
    expect(fixture.fake.sent.filter((e) => (e.payload.output as { sentence?: { text: string; sentence_end: boolean } })?.sentence?.text === '六。')).not.toHaveLength(0);
  });

  it('reconnects after task-failed mid-stream and loses no sentence', async () => {
    const engine = await setUp();
    fixture.fake.injectTaskFault({ kind: 'task-failed', code: 'InternalError', message: 'An internal error has occured', afterFrames: 52 });
    const { session, results: all } = await transcribe(engine, FRAMES);
    expect(finals(all).map((r) => r.text)).toEqual(TEXTS);
    expect(fixture.fake.stats.tasksFailed).toEqual({ InternalError: 1 });
    expect(session.usage().reconnects).toBe(1);
  });

  it('backs off when throttled, buffering the audio, then recognizes all of it', async () => {
    const engine = await setUp();
    fixture.fake.injectTaskFault({ kind: 'rate-limit' }, 2);
    const { results: all, statuses } = await transcribe(engine, FRAMES);
    expect(finals(all).map((r) => r.text)).toEqual(TEXTS);
    expect(fixture.fake.stats.tasksFailed).toEqual({ 'Throttling.RateQuota': 2 });
    expect(statuses.find((s) => s.state === 'reconnecting')?.error?.code).toBe('upstream_throttled');
  });

  it('fails the session and the engine on a refused key, with the setting to check', async () => {
    const recognizer = await setUp({}, { apiKey: 'wrong' });
    const session = recognizer.open();
    const failed = await waitForState(session, 'failed');
    expect(failed.error).toMatchObject({ code: 'auth_failed', message: expect.stringMatching(/COSYVOICE_API_KEY \(or DASHSCOPE_API_KEY\).*ASR_URL/) });
    expect(recognizer.healthy()).toBe(false);
    expect(recognizer.healthReason()).toMatch(/auth|rejected/i);
    expect(recognizer.open().status()).toMatchObject({ state: 'failed', error: { code: 'auth_failed' } });
    expect(fixture.fake.stats.handshakesRejected).toBe(1);
  });

  it('gives up after the retry budget when every connection is refused', async () => {
    const engine = await setUp({}, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 } });
    fixture.fake.rejectHandshakes(502, 10);
    const session = engine.open();
    const failed = await waitForState(session, 'failed');
    expect(failed.error?.code).toBe('connect_failed');
    expect(fixture.fake.stats.handshakesRejected).toBe(3);
  });

  it('pauses before the server idle timeout when audio stops, and resumes with a new task', async () => {
    const engine = await setUp({ idleTimeoutMs: 400 }, { session: { pauseAfterIdleMs: 200 } });
    const session = engine.open();
    const { results, statuses } = record(session);
    await speak(session, 0, 47); // stops in the silence after sentence 3
    await waitForState(session, 'paused');
    await speak(session, 47, FRAMES);
    await session.finish();
    expect(finals(await results).map((r) => r.text)).toEqual(TEXTS);
    expect(fixture.fake.stats.tasksFailed).toEqual({});
    expect(fixture.fake.stats.tasksFinished).toBe(2);
    expect((await statuses).map((s) => s.state)).toEqual(['connecting', 'running', 'paused', 'connecting', 'running', 'stopped']);
  });

  it('treats the server idle timeout as a pause when the writer has stopped', async () => {
    const engine = await setUp({ idleTimeoutMs: 150 }, { session: { pauseAfterIdleMs: 5000 } });
    const session = engine.open();
    await speak(session, 0, 20);
    await waitForState(session, 'paused');
    expect(fixture.fake.stats.tasksFailed).toEqual({ RequestTimeOut: 1 });
    session.abort();
  });

  it('keeps at most maxBufferedMs of audio while it cannot reach the server, dropping the oldest and counting it', async () => {
    const engine = await setUp({}, { retry: { maxAttempts: 50, baseDelayMs: 50, maxDelayMs: 50 }, breaker: { openMs: 100 }, session: { maxBufferedMs: 2000 } });
    fixture.fake.rejectHandshakes(502, 12);
    const session = engine.open();
    const { results } = record(session);
    await speak(session, 0, 60);
    await waitForState(session, 'running');
    await speak(session, 60, FRAMES);
    await session.finish();
    const usage = session.usage();
    expect(usage.audioDroppedMs).toBeGreaterThan(0);
    // Every frame was sent once, or dropped unsent while no task ran (a frame dropped after it was sent counts in both).
    const sentOnceMs = usage.audioSentMs - usage.audioReplayedMs;
    expect(sentOnceMs).toBeLessThanOrEqual(FRAMES * 100);
    expect(sentOnceMs + usage.audioDroppedMs).toBeGreaterThanOrEqual(FRAMES * 100);
    expect(fixture.fake.stats.sourceFrames.has(0)).toBe(false); // the oldest audio of the outage is gone
    // What was kept was recognized: the last sentences at least.
    expect(finals(await results).map((r) => r.text).slice(-3)).toEqual(TEXTS.slice(-3));
  });
});
