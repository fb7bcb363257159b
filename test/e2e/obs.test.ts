/**
 * The OBS integration against a real OBS Studio (Debian's obs-studio 29+, headless under Xvfb
 * in a private network namespace: see test/support/real-obs.ts). Debian's OBS has no browser
 * source plugin, so the overlay takes the text-source fallback path here. The integration
 * talks to OBS through a recording proxy so the tests can count what it sent.
 */
import { OBSWebSocket } from 'obs-websocket-js/json';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ObsIntegration, ObsIntegrationOptions } from '../../plugin/obs/index.ts';
import type { FakeReadoutFeed } from '../fakes/obs/readout-feed.ts';
import type { LogEntry } from '../fakes/obs/recording-logger.ts';
import { obsUnderTest, warningsIn } from '../support/obs-under-test.ts';
import { startRealObs, type RealObs } from '../support/real-obs.ts';
import { startRecordingProxy, type RecordingProxy } from './obs/ws-recording-proxy.ts';

const PASSWORD = 'cosy-test-password';
const OVERLAY_URL = 'http://127.0.0.1:8787/overlay?key=k';
const THREE_LINES = ['a', 'b', 'c'].map((c) => c.repeat(20)).join(' ');

let realObs: RealObs;
let proxy: RecordingProxy;
/** A plain obs-websocket-js client playing the person at the OBS window. */
let operator: OBSWebSocket;
let obs: ObsIntegration | undefined;
let feed: FakeReadoutFeed;
let logs: LogEntry[];

function integrate(options: Partial<ObsIntegrationOptions> = {}): ObsIntegration {
  const underTest = obsUnderTest({
    url: proxy.url,
    password: PASSWORD,
    overlayUrl: OVERLAY_URL,
    backoff: { baseDelayMs: 50, maxDelayMs: 200, jitterRatio: 0 },
    ...options,
  });
  ({ feed, logs } = underTest);
  obs = underTest.obs;
  return underTest.obs;
}

const connected = (o: ObsIntegration): Promise<void> => expect.poll(() => o.status().connected, { timeout: 5_000 }).toBe(true);
const warnings = (): LogEntry[] => warningsIn(logs);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  realObs = await startRealObs({ password: PASSWORD });
  proxy = await startRecordingProxy(realObs.url);
  operator = new OBSWebSocket();
  await operator.connect(realObs.url, PASSWORD);
});

afterAll(async () => {
  await operator?.disconnect();
  await proxy?.close();
  await realObs?.stop();
});

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`OBS log tail:\n${realObs.logTail()}`));
});

afterEach(async () => {
  await obs?.close();
  obs = undefined;
});

describe('OBS integration against a real OBS', () => {
  it('connects with the password and reads OBS state', async () => {
    const o = integrate();
    await expect.poll(() => o.status().obsVersion, { timeout: 5_000 }).toMatch(/^\d+\.\d+/u);
    expect(o.status()).toMatchObject({ connected: true, streaming: false, browserSourceAvailable: false, currentScene: 'Scene', paused: false });
  });

  it('shows a refused password clearly and does not hammer OBS', async () => {
    const before = proxy.identifyCount();
    const o = integrate({ password: 'wrong' });
    await expect.poll(() => o.status().lastError, { timeout: 5_000 }).toMatch(/OBS refused the password \(close code 4009\)/u);
    await sleep(1_000);
    expect(proxy.identifyCount() - before).toBe(1);
    expect(o.status().connected).toBe(false);
  });

  it('pauses while the program scene is a pause scene', async () => {
    await operator.call('CreateScene', { sceneName: 'BRB' });
    const o = integrate({ pauseScenes: ['BRB'] });
    await connected(o);
    await operator.call('SetCurrentProgramScene', { sceneName: 'BRB' });
    await expect.poll(() => o.status()).toMatchObject({ currentScene: 'BRB', paused: true });
    await operator.call('SetCurrentProgramScene', { sceneName: 'Scene' });
    await expect.poll(() => o.status()).toMatchObject({ currentScene: 'Scene', paused: false });
  });

  it('falls back to a text source when OBS rejects browser_source, and paces captions into it', async () => {
    const o = integrate({ ensureOnStart: true });
    await expect.poll(() => o.status().captionFallback, { timeout: 5_000 }).toBe('text-source');
    const [create] = proxy.requestsOf('CreateInput');
    expect(create).toMatchObject({ statusCode: 605, requestData: { inputKind: 'browser_source', inputSettings: { url: OVERLAY_URL, reroute_audio: true } } });
    const textInput = 'cosy-relay overlay captions';
    const settings = () => operator.call('GetInputSettings', { inputName: textInput });
    expect(await settings()).toMatchObject({ inputKind: expect.stringMatching(/^text_ft2_source/u), inputSettings: { text: '' } });

    feed.play('u1', THREE_LINES, 100);
    await expect.poll(async () => (await settings()).inputSettings.text).toBe('c'.repeat(20));
    feed.end('u1');
    await expect.poll(async () => (await settings()).inputSettings.text).toBe('');
    const updates = proxy.requestsOf('SetInputSettings').filter((r) => r.requestData.inputName === textInput);
    expect(updates.map((r) => [(r.requestData.inputSettings as { text: string }).text, r.statusCode])).toEqual(
      [...THREE_LINES.split(' '), ''].map((text) => [text, 100]),
    );
    expect(warnings().map((w) => w.msg)).toEqual([expect.stringMatching(/no browser source/u)]);
  });

  it('handles SendStreamCaption while OBS is not streaming without throwing or spamming', async () => {
    const o = integrate();
    await connected(o);
    feed.play('u1', THREE_LINES, 40);
    await sleep(300);
    feed.end('u1');
    expect(proxy.requestsOf('SendStreamCaption')).toHaveLength(0); // OBS said it is not streaming

    proxy.injectStreamState(true); // as if the "stream started" event arrived, but OBS is not streaming
    await expect.poll(() => o.status().streaming).toBe(true);
    feed.play('u2', THREE_LINES, 40);
    await sleep(400);
    expect(proxy.requestsOf('SendStreamCaption')).toEqual([expect.objectContaining({ statusCode: 501 })]);
    expect(o.status().streaming).toBe(false);
    expect(warnings()).toEqual([]);
  });
});
