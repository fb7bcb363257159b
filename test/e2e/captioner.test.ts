/**
 * Issue 14, live subtitles of the streamer's voice, end to end in Debian Chromium: the
 * captioner page captures a (fake) microphone playing a WAV the embedded engine spoke,
 * streams it as 16 kHz frames to `/ingest/audio`; the relay recognizes it with the DashScope
 * ASR plugin against the fake DashScope server (following the voice: each voiced run is the
 * next scripted sentence, with its translation); the overlay shows the partials, then the
 * final with its translation under it; the speech log's SRT has both; the connection to the
 * recognizer dropped mid-sentence recovers without losing that sentence.
 */
import { once } from 'node:events';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeAsrServer, type FakeAsrServer } from '../fakes/dashscope-asr/fake-asr-server.ts';
import { scriptedSentence } from '../fakes/dashscope-asr/speech-audio.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { speechWav } from '../support/speech-wav.ts';
import { expectNoConsoleErrors, launchChromium, openPage, saveScreenshot, type ConsoleLog } from './browser.ts';

const SENTENCES = ['大家好，欢迎来到直播间。', '今天我们一起玩游戏。'];
/** What the fake recognizer hears in them, word by word. */
const WORDS = [
  ['大家好', '欢迎', '来到', '直播间'],
  ['今天', '我们', '一起', '玩游戏'],
];
const LEAD_IN_MS = 800;
const GAP_MS = 1500;
const TRANSLATIONS = ['Hello everyone, welcome to the stream.', "Today we're playing a game together."];

let fake: FakeAsrServer;
let relay: Harness;
let browser: Browser;
let overlay: Page;
let captioner: Page;
let secondStartsAtMs: number;
const logs: ConsoleLog[] = [];

beforeAll(async () => {
  const wav = await speechWav(SENTENCES, { leadInMs: LEAD_IN_MS, gapMs: GAP_MS });
  secondStartsAtMs = wav.secondStartsAtMs;
  fake = await startFakeAsrServer({
    followVoice: true,
    script: WORDS.map((words, i) => scriptedSentence(0, words, { en: TRANSLATIONS[i]! })),
  });
  relay = await startHarness({ ASR_ENGINE: 'dashscope', COSYVOICE_API_KEY: fake.apiKey, ASR_URL: fake.url, ASR_TRANSLATE_TO: 'en', ASR_LANGUAGE_HINTS: 'zh' });
  browser = await launchChromium({
    args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav.path}%noloop`],
  });
  const o = await openPage(browser, relay.gateway.overlayUrl);
  overlay = o.page;
  logs.push(o.console);
  await overlay.waitForFunction(() => window.__overlayStats?.connected === true, undefined, { timeout: 10_000 });
  // Record every version of each subtitle line the overlay paints: [text, translation, final].
  await overlay.evaluate(() => {
    const w = window as unknown as { __painted: [string, string, string][] };
    w.__painted = [];
    const lastById = new Map<string, string>();
    new MutationObserver(() => {
      for (const el of document.querySelectorAll<HTMLElement>('#live-line .sub')) {
        const row: [string, string, string] = [el.querySelector('.original')?.textContent ?? '', el.querySelector('.translation')?.textContent ?? '', el.dataset.final ?? ''];
        if (lastById.get(el.dataset.id!) === row.join('|')) continue;
        lastById.set(el.dataset.id!, row.join('|'));
        w.__painted.push(row);
      }
    }).observe(document.getElementById('live-line')!, { childList: true, subtree: true, characterData: true, attributes: true });
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await fake?.close();
});

describe('captioner → recognizer → overlay (Chromium, fake microphone)', () => {
  it('streams the microphone, shows partials then the final with its translation, keeps both in the SRT, and survives a drop mid-sentence', async () => {
    // The recognizer's connection is cut 700 ms into the second sentence (frames of its first task).
    fake.injectTaskFault({ kind: 'drop-after-frames', frames: Math.round((secondStartsAtMs + 700) / 100) });
    const c = await openPage(browser, `${relay.url}/captioner#token=${encodeURIComponent(relay.secrets.token)}&autostart=1`);
    captioner = c.page;
    logs.push(c.console);
    await captioner.waitForFunction(() => window.__captionerStats?.link === 'open', undefined, { timeout: 10_000 });

    const painted = () => overlay.evaluate(() => (window as unknown as { __painted: [string, string, string][] }).__painted);
    await expect.poll(painted, { timeout: 30_000, interval: 100 }).toContainEqual([SENTENCES[1], TRANSLATIONS[1], 'true']);
    const rows = await painted();
    // The first sentence: partials first (not final), then the final with its translation under it.
    const firstFinal = rows.findIndex((r) => r[2] === 'true');
    expect(rows.slice(0, firstFinal).every((r) => r[2] === 'false')).toBe(true);
    expect(rows[firstFinal]).toEqual([SENTENCES[0]!.replace('，', ''), TRANSLATIONS[0], 'true']);
    await saveScreenshot(overlay, 'captioner-overlay');

    // The drop cut the second sentence after some of its words were shown; a second task heard
    // it again from the replayed audio and finished it: each final exactly once.
    expect(fake.stats.tasksStarted).toBe(2);
    const secondPartials = rows.filter((r) => r[2] === 'false' && r[0].startsWith('今天')).map((r) => r[0]);
    expect(secondPartials[0]!.length).toBeLessThan(SENTENCES[1]!.length);
    expect(rows.filter((r) => r[2] === 'true').map((r) => r[0])).toEqual(SENTENCES.map((t) => t.replace('，', '')));

    // The captioner shows its own transcript and what it sent.
    const stats = await captioner.evaluate(() => window.__captionerStats!);
    expect(stats).toMatchObject({ recognition: 'running', muted: false });
    expect(stats.sentFrames).toBeGreaterThan(50);
    expect(stats.lines).toBeGreaterThanOrEqual(2);
    expect(await captioner.evaluate(() => [document.getElementById('login')!.checkVisibility(), document.getElementById('app')!.checkVisibility()])).toEqual([false, true]);
    await saveScreenshot(captioner, 'captioner-page');

    // The speech log: both lines, bilingual SRT in one file and the translation track alone.
    const both = await (await relay.get('/api/subtitles?format=srt&track=both')).text();
    expect(both).toContain(`${SENTENCES[0]!.replace('，', '')}\n${TRANSLATIONS[0]}`);
    expect(both).toContain(TRANSLATIONS[1]);
    const translation = await (await relay.get('/api/subtitles?format=vtt&track=translation')).text();
    expect(translation.match(/-->/gu)).toHaveLength(2);
    // The audio reached the recognizer as 100 ms frames, in real time.
    expect(fake.stats.pacing.filter((p) => p.kind !== 'frame-size')).toEqual([]);
  });

  it('shows the transcript, recognition state and minutes in the panel, whose mute clears the overlay at once', async () => {
    const p = await openPage(browser, `${relay.url}/panel#token=${encodeURIComponent(relay.secrets.token)}`);
    logs.push(p.console);
    const panel = p.page;
    await panel.waitForFunction(() => document.querySelectorAll('#sub-lines li.final').length >= 2, undefined, { timeout: 10_000 });
    const card = await panel.evaluate(() => ({
      lines: [...document.querySelectorAll('#sub-lines li')].map((li) => [li.childNodes[0]?.textContent, li.querySelector('.translation')?.textContent]),
      state: document.getElementById('sub-state')?.textContent ?? '',
      figures: document.getElementById('sub-figures')?.textContent ?? '',
    }));
    expect(card.lines).toEqual(SENTENCES.map((t, i) => [t.replace('，', ''), TRANSLATIONS[i]]));
    expect(card.state).toContain('gummy-realtime-v1 → en');
    expect(card.figures).toMatch(/\d+\.\d s after speech · 0\.\d min recognized/u);
    // A line on screen (from the JSON-lines ASR feed), then mute from the panel: it goes at once.
    const feed = new WebSocket(`${relay.url.replace(/^http/u, 'ws')}/ingest/asr?token=${encodeURIComponent(relay.secrets.token)}`);
    await once(feed, 'open');
    feed.send(JSON.stringify({ text: '还在屏幕上', final: false }));
    await overlay.waitForFunction(() => document.getElementById('live-line')?.hidden === false, undefined, { timeout: 2_000 });
    await panel.click('#sub-mute');
    await overlay.waitForFunction(() => document.getElementById('live-line')?.hidden === true, undefined, { timeout: 1_000 });
    await panel.waitForFunction(() => document.getElementById('sub-state')?.dataset.state === 'muted', undefined, { timeout: 2_000 });
    await saveScreenshot(panel, 'captioner-panel');
    feed.close();
  });

  it('logged no console errors', () => {
    expectNoConsoleErrors(...logs);
  });
});

describe('captioner while recognition is off', () => {
  it('says so after login and does not start sending', async () => {
    const off = await startHarness();
    try {
      const c = await openPage(browser, `${off.url}/captioner#token=${encodeURIComponent(off.secrets.token)}&autostart=1`);
      logs.push(c.console);
      await c.page.waitForFunction(() => window.__captionerStats?.recognition === 'off', undefined, { timeout: 10_000 });
      expect(await c.page.evaluate(() => [window.__captionerStats?.link, document.getElementById('rec')?.dataset.state, document.getElementById('error')?.hidden])).toEqual(['closed', 'off', false]);
      await c.page.close();
    } finally {
      await off.stop();
    }
  });
});

