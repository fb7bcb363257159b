import { afterEach, describe, expect, it } from 'vitest';
import { startFakeObs, type FakeObs, type FakeObsOptions } from '../../test/fakes/obs/fake-obs-server.ts';
import { INPUT_KINDS_WITHOUT_BROWSER } from '../../test/fakes/obs/fake-obs-state.ts';
import type { FakeReadoutFeed } from '../../test/fakes/obs/readout-feed.ts';
import type { LogEntry } from '../../test/fakes/obs/recording-logger.ts';
import { obsUnderTest, warningsIn } from '../../test/support/obs-under-test.ts';
import type { ObsIntegration, ObsIntegrationOptions } from './obs-integration.ts';

const OVERLAY_URL = 'http://127.0.0.1:8787/overlay?key=secret-key';
const FAST = { backoff: { baseDelayMs: 10, maxDelayMs: 50, jitterRatio: 0 } };
/** 12 words, 80 ms apart: "The quick brown fox jumps over" at 0 ms, "the lazy dog and keeps running" at 480 ms. */
const SENTENCE = 'The quick brown fox jumps over the lazy dog and keeps running';
const LINES = ['The quick brown fox jumps over', 'the lazy dog and keeps running'];
/** Three 20-character words: one caption line each. */
const THREE_LINES = ['a', 'b', 'c'].map((c) => c.repeat(20)).join(' ');

let fake: FakeObs;
let obs: ObsIntegration;
let feed: FakeReadoutFeed;
let logs: LogEntry[];

async function start(fakeOptions: FakeObsOptions = {}, options: Partial<ObsIntegrationOptions> = {}): Promise<ObsIntegration> {
  fake = await startFakeObs({ password: 'pw', ...fakeOptions });
  ({ obs, feed, logs } = obsUnderTest({ url: fake.url, password: 'pw', overlayUrl: OVERLAY_URL, ...FAST, ...options }));
  return obs;
}

const connected = (): Promise<void> => expect.poll(() => obs.status().connected).toBe(true);
const warnings = (): LogEntry[] => warningsIn(logs);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  await obs?.close();
  await fake?.close();
});

describe('connection and status', () => {
  it('connects with the password and reports OBS state', async () => {
    await start({ programScene: 'Live', scenes: ['Live', 'BRB'] });
    await expect.poll(() => obs.status().obsVersion).toBe('30.0.2');
    expect(obs.status()).toEqual({
      connected: true,
      obsVersion: '30.0.2',
      streaming: false,
      browserSourceAvailable: true,
      currentScene: 'Live',
      paused: false,
    });
  });

  it('reports a refused password clearly and retries on the slow schedule, not the fast one', async () => {
    await start({}, { password: 'wrong', authBackoff: { baseDelayMs: 2_000, jitterRatio: 0 } });
    await expect.poll(() => obs.status().lastError).toMatch(/OBS refused the password \(close code 4009\)/u);
    await sleep(300); // the normal backoff would have retried ~10 times by now
    expect(fake.identifyCount()).toBe(1);
    expect(obs.status().connected).toBe(false);
    await expect(obs.ensureOverlay()).rejects.toMatchObject({ code: 'obs_not_connected', message: expect.stringMatching(/4009/u) });
  });

  it('says a password is needed when none is configured', async () => {
    await start({}, { password: undefined });
    await expect.poll(() => obs.status().lastError).toMatch(/OBS requires a password/u);
  });

  it('reconnects after the connection drops and reads the state again', async () => {
    await start();
    await connected();
    fake.state.programScene = 'Other';
    fake.dropConnections();
    await expect.poll(() => fake.identifyCount()).toBe(2);
    await expect.poll(() => obs.status()).toMatchObject({ connected: true, currentScene: 'Other' });
  });

  it('bounds a request OBS never answers', async () => {
    await start({}, { requestTimeoutMs: 150 });
    await connected();
    fake.holdResponses('GetInputSettings');
    const began = Date.now();
    await expect(obs.ensureOverlay()).rejects.toMatchObject({ code: 'obs_request_timeout' });
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(obs.status().lastError).toMatch(/overlay source setup failed: OBS did not answer GetInputSettings within 150 ms/u);
  });
});

describe('overlay source', () => {
  it('creates the browser source in the program scene on start, with audio routed through OBS', async () => {
    await start({ programScene: 'Live', scenes: ['Live', 'BRB'] }, { ensureOnStart: true });
    const create = await fake.waitForRequest((r) => r.requestType === 'CreateInput');
    expect(create.requestData).toEqual({
      sceneName: 'Live',
      inputName: 'cosy-relay overlay',
      inputKind: 'browser_source',
      inputSettings: { url: OVERLAY_URL, width: 1920, height: 1080, reroute_audio: true, restart_when_active: false },
    });
    expect(fake.state.inputs.get('cosy-relay overlay')).toMatchObject({ inputKind: 'browser_source', sceneName: 'Live' });
    expect(obs.status().browserSourceAvailable).toBe(true);
  });

  it('uses the configured scene and source name', async () => {
    await start({ scenes: ['Scene', 'Overlays'] }, { scene: 'Overlays', sourceName: 'TTS' });
    await connected();
    await expect(obs.ensureOverlay()).resolves.toEqual({
      outcome: 'created',
      sceneName: 'Overlays',
      inputName: 'TTS',
      inputKind: 'browser_source',
    });
  });

  it('updates an existing overlay source with the new URL and reloads it without cache', async () => {
    await start({ inputs: { 'cosy-relay overlay': { inputKind: 'browser_source', inputSettings: { url: 'http://old', css: 'x' } } } });
    await connected();
    await expect(obs.ensureOverlay()).resolves.toMatchObject({ outcome: 'updated' });
    expect(fake.requestsOf('CreateInput')).toHaveLength(0);
    expect(fake.state.inputs.get('cosy-relay overlay')?.inputSettings).toMatchObject({ url: OVERLAY_URL, css: 'x', reroute_audio: true });
    const types = fake.requests.map((r) => r.requestType);
    expect(types.indexOf('PressInputPropertiesButton')).toBeGreaterThan(types.indexOf('SetInputSettings'));
    expect(fake.requestsOf('PressInputPropertiesButton')[0]?.requestData).toEqual({ inputName: 'cosy-relay overlay', propertyName: 'refreshnocache' });

    await obs.refreshOverlay();
    expect(fake.requestsOf('PressInputPropertiesButton')).toHaveLength(2);
  });

  it('refuses to take over an input of another kind with the same name', async () => {
    await start({ inputs: { 'cosy-relay overlay': { inputKind: 'image_source' } } });
    await connected();
    await expect(obs.ensureOverlay()).rejects.toMatchObject({ code: 'obs_input_name_taken' });
  });

  it('falls back to a text source where OBS has no browser source, and shows paced captions there', async () => {
    await start({ inputKinds: INPUT_KINDS_WITHOUT_BROWSER }, { ensureOnStart: true });
    await expect.poll(() => obs.status().captionFallback).toBe('text-source');
    expect(obs.status()).toMatchObject({ browserSourceAvailable: false, lastError: expect.stringMatching(/no browser source \(browser_source\)/u) });
    expect(fake.requestsOf('CreateInput').map((r) => r.requestData.inputKind)).toEqual(['browser_source', 'text_ft2_source_v2']);
    const textInput = 'cosy-relay overlay captions';
    expect(fake.state.inputs.get(textInput)).toMatchObject({ inputKind: 'text_ft2_source_v2', sceneName: 'Scene' });
    await expect(obs.refreshOverlay()).rejects.toMatchObject({ code: 'obs_no_browser_source' });

    feed.play('u1', SENTENCE, 80);
    await expect.poll(() => fake.state.inputs.get(textInput)?.inputSettings.text).toBe(LINES[1]);
    feed.end('u1');
    await expect.poll(() => fake.state.inputs.get(textInput)?.inputSettings.text).toBe('');
    const texts = fake.requestsOf('SetInputSettings').map((r) => (r.requestData.inputSettings as { text: string }).text);
    expect(texts).toEqual([...LINES, '']);
  });
});

describe('live captions', () => {
  it('sends 32-character lines paced with playback while streaming', async () => {
    await start({ streaming: true });
    await expect.poll(() => obs.status().streaming).toBe(true);
    const playedAt = Date.now();
    feed.play('u1', SENTENCE, 80);
    await expect.poll(() => fake.state.captions).toEqual(LINES);
    const [first, second] = fake.requestsOf('SendStreamCaption');
    expect(first!.atMs - playedAt).toBeLessThan(250);
    expect(second!.atMs - first!.atMs).toBeGreaterThanOrEqual(450); // the second line starts at 480 ms
    expect(second!.atMs - first!.atMs).toBeLessThan(800);
  });

  it('does not send captions when they are turned off or the stream is off', async () => {
    await start({ streaming: true }, { captions: false });
    await connected();
    feed.play('u1', THREE_LINES, 20);
    await sleep(200);
    await obs.close();
    await fake.close();

    await start({ streaming: false });
    await connected();
    feed.play('u1', THREE_LINES, 20);
    await sleep(200);
    expect(fake.requestsOf('SendStreamCaption')).toHaveLength(0);
  });

  it('stops after OutputNotRunning without error spam and resumes on StreamStateChanged', async () => {
    await start({ streaming: true });
    await expect.poll(() => obs.status().streaming).toBe(true);
    fake.setStreaming(false, false); // the stream stopped and the event was missed
    feed.play('u1', THREE_LINES, 60);
    await sleep(400);
    expect(fake.requestsOf('SendStreamCaption')).toHaveLength(1);
    expect(obs.status().streaming).toBe(false);
    expect(warnings()).toEqual([]);
    feed.end('u1');

    fake.setStreaming(true);
    await expect.poll(() => obs.status().streaming).toBe(true);
    feed.play('u2', THREE_LINES, 60);
    await expect.poll(() => fake.state.captions).toEqual(THREE_LINES.split(' '));
  });
});

describe('caption text, clear and delay', () => {
  it('sends the text as written (punctuation, case, breaks at sentences) and clears after the audio ends', async () => {
    await start({ streaming: true });
    await expect.poll(() => obs.status().streaming).toBe(true);
    feed.play('u1', '@Streamer: “Hi”, what’s up? 你好！ Bye.', 20);
    await expect.poll(() => fake.state.captions).toEqual(['@Streamer: "Hi", what\'s up?', 'Bye.']);
    feed.end('u1');
    await expect.poll(() => fake.state.captions, { timeout: 3_000 }).toEqual(['@Streamer: "Hi", what\'s up?', 'Bye.', '']);
  });

  it('sends captions the configured delay after the audio', async () => {
    await start({ streaming: true }, { captionDelayMs: 400 });
    await expect.poll(() => obs.status().streaming).toBe(true);
    const playedAt = Date.now();
    feed.play('u1', 'hello there', 20);
    await expect.poll(() => fake.state.captions).toEqual(['hello there']);
    expect(fake.requestsOf('SendStreamCaption')[0]!.atMs - playedAt).toBeGreaterThanOrEqual(380);
  });

  it("the panel's caption delay overrides the configured one, read per caption", async () => {
    let panelDelayMs: number | undefined = 600;
    await start({ streaming: true }, { captionDelayMs: 0, captionDelaySettingMs: () => panelDelayMs });
    await expect.poll(() => obs.status().streaming).toBe(true);
    const playedAt = Date.now();
    feed.play('u1', 'first words', 20);
    await expect.poll(() => fake.state.captions, { timeout: 3_000 }).toEqual(['first words']);
    expect(fake.requestsOf('SendStreamCaption')[0]!.atMs - playedAt).toBeGreaterThanOrEqual(580);
    feed.end('u1');
    panelDelayMs = undefined;
    const secondAt = Date.now();
    feed.play('u2', 'second words', 20);
    await expect.poll(() => fake.state.captions.at(-1), { timeout: 3_000 }).toBe('second words');
    expect(fake.requestsOf('SendStreamCaption').at(-1)!.atMs - secondAt).toBeLessThan(580);
  });

  it.each([
    [{}, 1_800],
    [{ 'SimpleOutput/Preset': 'ultrafast' }, 500],
    [{ 'SimpleOutput/x264Settings': 'keyint=60 bframes=0' }, 500],
    [{ 'Output/Mode': 'Advanced' }, 1_000],
  ])('chooses the delay from the OBS profile %j when none is configured', async (profile, delayMs) => {
    await start({ profile }, { captionDelayMs: undefined });
    await expect.poll(() => logs.find((l) => l.msg.startsWith('obs caption delay chosen'))).toMatchObject({ context: { captionDelayMs: delayMs } });
  });
});

describe('ducking', () => {
  const inputs = {
    Music: { inputKind: 'ffmpeg_source', volumeDb: -6 },
    Mic: { inputKind: 'pulse_input_capture', volumeDb: 0 },
  };
  const musicDb = (): number | undefined => fake.state.inputs.get('Music')?.volumeDb;

  it('lowers chosen inputs while a readout plays and restores them after end and cancel', async () => {
    await start({ inputs }, { duckInputs: ['Music', 'Missing'] });
    await connected();
    feed.play('u1', 'hello there', 50);
    await expect.poll(musicDb).toBe(-18);
    expect(fake.state.inputs.get('Mic')?.volumeDb).toBe(0);
    feed.end('u1');
    await expect.poll(musicDb).toBe(-6);

    feed.play('u2', 'hello again', 50);
    await expect.poll(musicDb).toBe(-18);
    feed.cancel('u2');
    await expect.poll(musicDb).toBe(-6);
    expect(fake.requestsOf('SetInputVolume').map((r) => r.requestData)).toEqual([
      { inputName: 'Music', inputVolumeDb: -18 },
      { inputName: 'Music', inputVolumeDb: -6 },
      { inputName: 'Music', inputVolumeDb: -18 },
      { inputName: 'Music', inputVolumeDb: -6 },
    ]);
    expect(warnings().map((w) => w.msg)).toEqual(['obs ducking failed']); // the missing input, once
  });

  it('does not go below OBS\'s -100 dB floor', async () => {
    await start({ inputs: { Quiet: { inputKind: 'ffmpeg_source', volumeDb: -95 } } }, { duckInputs: ['Quiet'] });
    await connected();
    feed.play('u1', 'hello there', 50);
    await expect.poll(() => fake.state.inputs.get('Quiet')?.volumeDb).toBe(-100);
    feed.end('u1');
    await expect.poll(() => fake.state.inputs.get('Quiet')?.volumeDb).toBe(-95);
  });

  it('restores on close', async () => {
    await start({ inputs }, { duckInputs: ['Music'], duckDb: -20 });
    await connected();
    feed.play('u1', 'hello there', 50);
    await expect.poll(musicDb).toBe(-26);
    await obs.close();
    expect(musicDb()).toBe(-6);
  });

  it('restores after a reconnect when the readout ended while disconnected', async () => {
    await start({ inputs }, { duckInputs: ['Music'] });
    await connected();
    feed.play('u1', 'hello there', 50);
    await expect.poll(musicDb).toBe(-18);
    fake.dropConnections();
    feed.end('u1');
    await expect.poll(musicDb).toBe(-6);
    expect(fake.requestsOf('GetInputVolume')).toHaveLength(1); // the ducked level was never taken for the original
  });
});

describe('scene rules', () => {
  it('pauses on pause scenes and resumes on leaving them', async () => {
    await start({ scenes: ['Scene', 'BRB'] }, { pauseScenes: ['BRB'] });
    await connected();
    const paused: boolean[] = [];
    const subscription = obs.paused$.subscribe((p) => paused.push(p));
    fake.switchScene('BRB');
    await expect.poll(() => obs.status()).toMatchObject({ currentScene: 'BRB', paused: true });
    fake.switchScene('Scene');
    await expect.poll(() => obs.status().paused).toBe(false);
    expect(paused).toEqual([false, true, false]);
    subscription.unsubscribe();
  });

  it('starts paused when OBS is already on a pause scene, and does not hold readouts while disconnected', async () => {
    await start({ scenes: ['BRB'], programScene: 'BRB' }, { pauseScenes: ['BRB'], backoff: { baseDelayMs: 60_000 } });
    await expect.poll(() => obs.status().paused).toBe(true);
    fake.dropConnections();
    await expect.poll(() => obs.status()).toMatchObject({ connected: false, paused: false });
  });
});
