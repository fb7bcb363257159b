/**
 * CEA-608 captions in a real stream: a real OBS (headless, see test/support/real-obs.ts)
 * streams over RTMP to ffmpeg listening beside it, which records the stream untouched
 * (-c copy); the captions are then read back out of the recording's H.264 SEI
 * (test/support/cea608-reader.ts) and compared with what played: text, order and timing.
 * Timing is measured against a marker caption the test sends itself, so the encoder's own
 * delay cancels out and what remains is the relay's pacing.
 */
import { OBSWebSocket } from 'obs-websocket-js/json';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObsIntegration } from '../../plugin/obs/index.ts';
import { captionsOfFlvFile } from '../support/cea608-reader.ts';
import { obsUnderTest } from '../support/obs-under-test.ts';
import { startRealObs, type RealObs } from '../support/real-obs.ts';

const PASSWORD = 'cosy-test-password';
const RTMP_PORT = 19_350;
const STEP_MS = 150;
const CLEAR_AFTER_MS = 1_000; // CAPTION_CLEAR_AFTER_MS in obs-integration.ts
/** A caption's place in the stream vs when it should show: a frame, the websocket hop, a busy machine. */
const TIMING_TOLERANCE_MS = 350;

let realObs: RealObs;
let operator: OBSWebSocket;
let recorder: ChildProcess;
let dir: string;
let obs: ObsIntegration | undefined;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cosy-608-'));
  realObs = await startRealObs({ password: PASSWORD });
  const log = openSync(join(dir, 'ffmpeg.log'), 'w');
  recorder = realObs.spawnBeside(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-y', '-listen', '1', '-i', `rtmp://127.0.0.1:${RTMP_PORT}/live/x`, '-c', 'copy', join(dir, 'out.flv')],
    { stdio: ['ignore', log, log] },
  );
  operator = new OBSWebSocket();
  await operator.connect(realObs.url, PASSWORD);
  await operator.call('SetStreamServiceSettings', {
    streamServiceType: 'rtmp_custom',
    streamServiceSettings: { server: `rtmp://127.0.0.1:${RTMP_PORT}/live`, key: 'x' },
  });
}, 60_000);

afterAll(async () => {
  await obs?.close();
  await operator?.disconnect();
  await realObs?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts the stream once ffmpeg listens (OBS fails to connect before that), bounded. */
async function startStream(): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await operator.call('StartStream').catch(() => undefined);
    for (let i = 0; i < 10; i++) {
      await sleep(200);
      if ((await operator.call('GetStreamStatus')).outputActive) return;
    }
  }
  throw new Error(`OBS could not start streaming to ffmpeg:\n${realObs.logTail()}`);
}

describe('CEA-608 captions in a real OBS stream', () => {
  it('records the lines as written, in order, paced with the audio, and clears after each readout', async () => {
    await startStream();
    const underTest = obsUnderTest({ url: realObs.url, password: PASSWORD, overlayUrl: 'http://127.0.0.1:8787/overlay?key=k' });
    obs = underTest.obs;
    await expect.poll(() => obs!.status().streaming, { timeout: 5_000 }).toBe(true);
    await sleep(1_000); // past the first keyframe

    const markerAtMs = Date.now();
    await operator.call('SendStreamCaption', { captionText: 'MARKER' });
    await sleep(800);

    // What should show, and when (ms after the marker): each line at its first word, a clear after the end.
    const expected: { text: string; atMs: number }[] = [];
    const readouts = [
      { id: 'r1', text: 'Hello, world! This is “cosy-relay”.', lines: [['Hello, world!', 0], ['This is "cosy-relay".', 2]] as const },
      { id: 'r2', text: 'Café & 100% — done… OK?', lines: [['Café & 100% - done... OK?', 0]] as const },
    ];
    for (const readout of readouts) {
      const playedAtMs = Date.now();
      const words = underTest.feed.play(readout.id, readout.text, STEP_MS);
      for (const [text, wordIndex] of readout.lines) expected.push({ text, atMs: playedAtMs - markerAtMs + wordIndex * STEP_MS });
      await sleep(words.length * STEP_MS);
      const endedAtMs = Date.now();
      underTest.feed.end(readout.id);
      expected.push({ text: '', atMs: endedAtMs - markerAtMs + CLEAR_AFTER_MS });
      await sleep(CLEAR_AFTER_MS + 600);
    }

    await operator.call('StopStream');
    for (let i = 0; i < 50 && recorder.exitCode === null; i++) await sleep(200);
    expect(recorder.exitCode, 'ffmpeg finished the recording').toBe(0);

    const screens = captionsOfFlvFile(join(dir, 'out.flv'));
    expect(screens.map((s) => s.text)).toEqual(['MARKER', ...expected.map((e) => e.text)]);
    const markerPtsMs = screens[0]!.ptsMs;
    const lateness = screens.slice(1).map((s, i) => s.ptsMs - markerPtsMs - expected[i]!.atMs);
    for (const ms of lateness) expect(Math.abs(ms), `caption timing off by ${lateness.join(', ')} ms`).toBeLessThan(TIMING_TOLERANCE_MS);
  }, 90_000);
});
