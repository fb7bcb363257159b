/**
 * The overlay page in real Chromium against a fake relay (test/fakes/overlay-feed.ts) that
 * speaks the real Socket.IO protocol with sine-wave PCM.
 *
 * Cancel semantics checked here: a cancelled utterance is stopped at once and gets no
 * `playback:end` (the server cancelled it); the next one is pulled forward and starts.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sineUtterance, startOverlayFeed, type OverlayFeed } from '../fakes/overlay-feed.ts';
import { expectNoConsoleErrors, launchChromium, openPage, REPO_ROOT, saveScreenshot, type ConsoleLog } from './browser.ts';

interface Timeline {
  id: string;
  baseSec: number | null;
  endSec: number | null;
  outcome?: string;
  chunks: number;
  underruns: number;
}
interface Stats {
  connected: boolean;
  audioState: string;
  currentTime: number;
  leadMs: number;
  underruns: number;
  scheduledChunks: number;
  duplicateChunks: number;
  ignoredEvents: number;
  liveSources: number;
  currentId: string | null;
  peakLevel: number;
  maxPeakLevel: number;
  acks: { start: number; end: number; reEnd: number };
  utterances: Timeline[];
}

const stats = (page: Page): Promise<Stats> => page.evaluate(() => (window as unknown as { __overlayStats: Stats }).__overlayStats);
const timeline = async (page: Page, id: string): Promise<Timeline> => {
  const t = (await stats(page)).utterances.filter((u) => u.id === id).at(-1);
  if (!t) throw new Error(`no timeline for ${id}`);
  return t;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('overlay page (real Chromium)', () => {
  let feed: OverlayFeed;
  let browser: Browser;
  let page: Page;
  let consoleLog: ConsoleLog;
  const extraConsoles: ConsoleLog[] = [];

  const started = (id: string) => feed.waitForEvent((e) => e.type === 'playback:start' && e.data.id === id);
  const ended = (id: string, timeoutMs = 10_000) =>
    feed.waitForEvent((e) => e.type === 'playback:end' && e.data.id === id, timeoutMs);
  const ackOrder = (ids: string[]) =>
    feed.events.filter((e) => e.type !== 'overlay:hello' && ids.includes(e.data.id ?? '')).map((e) => `${e.type}:${e.data.id}`);

  beforeAll(async () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-web.mjs')], { cwd: REPO_ROOT, stdio: 'inherit' });
    feed = await startOverlayFeed();
    browser = await launchChromium();
    // A roomy start lead: these tests check exact audio-clock timelines, which an underrun on
    // a starved machine would shift (the default lead's underruns are measured in the bench).
    ({ page, console: consoleLog } = await openPage(browser, feed.overlayUrl({ leadMs: '150' })));
    await feed.waitForEvent((e) => e.type === 'overlay:hello');
    // Record the sequence of highlighted words as the DOM changes.
    await page.evaluate(() => {
      const w = window as unknown as { __seenWords: string[] };
      w.__seenWords = [];
      const line = document.getElementById('caption-line')!;
      new MutationObserver(() => {
        const cur = line.querySelector('.word.current')?.textContent ?? null;
        if (cur !== null && w.__seenWords.at(-1) !== cur) w.__seenWords.push(cur);
      }).observe(line, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await feed?.close();
  });

  it('says hello with its version and reports a running AudioContext', async () => {
    const hello = feed.events.find((e) => e.type === 'overlay:hello');
    expect(hello?.data.version).toMatch(/^\d+\.\d+\.\d+/);
    const s = await stats(page);
    expect(s.connected).toBe(true);
    expect(s.audioState).toBe('running');
    expect(await page.locator('#enable-audio').isHidden()).toBe(true);
  });

  it('plays an utterance: audio on the audio clock, words highlighted in sequence, acks in order', async () => {
    const u = sineUtterance({
      id: 'u1',
      text: 'Hello 世界, this is 测试!',
      words: ['Hello', '世界', 'this', 'is', '测试'],
      chunks: 10,
      chunkMs: 100,
    });
    const before = await stats(page);
    await feed.sendUtterance(u);
    const start = await started('u1');
    await sleep(450);
    await saveScreenshot(page, 'overlay.png');
    const end = await ended('u1');

    expect(ackOrder(['u1'])).toEqual(['playback:start:u1', 'playback:end:u1']);
    // 1 s of audio between the first sample (atMs, from the audio clock) and the end ack; a busy
    // machine may only delay the ack, and the end is seen up to the output latency early.
    expect(end.receivedAtMs - start.data.atMs!).toBeGreaterThanOrEqual(900);
    expect(end.receivedAtMs - start.data.atMs!).toBeLessThan(3000);
    expect(Math.abs(start.data.atMs! - start.receivedAtMs)).toBeLessThan(500);

    const seen = await page.evaluate(() => (window as unknown as { __seenWords: string[] }).__seenWords);
    expect(seen).toEqual(['Hello', '世界', 'this', 'is', '测试']);
    // Original punctuation kept; Latin words spaced, none added around Chinese.
    expect(await page.locator('#caption-line').textContent()).toBe('Hello 世界, this is 测试!');

    const after = await stats(page);
    expect(after.scheduledChunks - before.scheduledChunks).toBe(10);
    expect(after.currentTime - before.currentTime).toBeGreaterThan(1);
    expect(after.maxPeakLevel).toBeGreaterThan(0.2); // the 0.3-amplitude sine reached the output tap
    const t = await timeline(page, 'u1');
    expect(t.outcome).toBe('played');
    expect(t.endSec! - t.baseSec!).toBeCloseTo(1, 6);
  });

  it('plays consecutive utterances back to back with no gap (next prefetched while the first streams)', async () => {
    const a = sineUtterance({ id: 'u2', text: 'first one plays now', freqHz: 330 });
    const b = sineUtterance({ id: 'u3', text: '第二 句 紧接着', words: ['第二', '句', '紧接着'], freqHz: 550 });
    const streaming = feed.sendUtterance(a, { paceMs: 40 }); // faster than real time, still streaming
    await sleep(120);
    await feed.sendUtterance(b); // arrives before u2 ended: held until u2's end is known
    await streaming;
    await ended('u3');
    const ta = await timeline(page, 'u2');
    const tb = await timeline(page, 'u3');
    expect(tb.baseSec).not.toBeNull();
    expect(Math.abs(tb.baseSec! - ta.endSec!)).toBeLessThan(1e-9);
    expect(ackOrder(['u2', 'u3'])).toEqual(['playback:start:u2', 'playback:end:u2', 'playback:start:u3', 'playback:end:u3']);

    // And a next utterance arriving while the previous one plays starts at its end too.
    const c = sineUtterance({ id: 'u3b', text: 'during playback', chunks: 5 });
    const d = sineUtterance({ id: 'u3c', text: 'queued behind', chunks: 5 });
    await feed.sendUtterance(c);
    await started('u3b');
    await feed.sendUtterance(d);
    await ended('u3c');
    const tc = await timeline(page, 'u3b');
    const td = await timeline(page, 'u3c');
    expect(Math.abs(td.baseSec! - tc.endSec!)).toBeLessThan(1e-9);
  });

  it('cancel stops the utterance at once (no playback:end) and the next one starts right away', async () => {
    const long = sineUtterance({ id: 'u4', text: 'a long readout that gets skipped', chunks: 30 });
    const next = sineUtterance({ id: 'u5', text: 'next please', chunks: 5, freqHz: 660 });
    await feed.sendUtterance(long);
    await feed.sendUtterance(next);
    await started('u4');
    const plannedNext = (await timeline(page, 'u5')).baseSec!;
    await sleep(400);
    const cancelAt = Date.now();
    feed.emit('utterance:cancel', { id: 'u4', reason: 'skipped' });
    const s5 = await started('u5');
    expect(s5.receivedAtMs - cancelAt).toBeLessThan(600); // planned ~2.6 s later without the cancel
    // The caption of the cancelled one is gone (replaced by the next).
    expect(await page.locator('#caption').getAttribute('data-id')).not.toBe('u4');

    const t4 = await timeline(page, 'u4');
    const t5 = await timeline(page, 'u5');
    expect(t4.outcome).toBe('cancelled');
    expect(t5.baseSec!).toBeLessThan(plannedNext - 2); // pulled forward from u4's planned end (~3 s)
    expect(t5.baseSec! - t4.endSec!).toBeLessThan(0.35); // ≈ lead after the cancel

    await ended('u5');
    // u4's audio was planned to run ~2 s longer: its sources are gone and the output is silent.
    await sleep(150);
    const s = await stats(page);
    expect(s.liveSources).toBe(0);
    expect(s.peakLevel).toBeLessThan(0.01);
    await sleep(Math.max(0, plannedNext - s.currentTime) * 1000 + 200);
    expect(feed.eventsFor('u4').map((e) => e.type)).toEqual(['playback:start']);
  });

  it('ignores duplicate chunks and replays of finished ids', async () => {
    const u = sineUtterance({ id: 'u6', text: 'sent twice after a reconnect' });
    const before = await stats(page);
    await feed.sendUtterance(u, { end: false });
    // A reconnecting server replays what it thinks is in flight.
    feed.emit('utterance:start', { id: 'u6', text: u.text, user: u.user, sampleRateHz: u.sampleRateHz, channels: 1, format: 'pcm_s16le' });
    feed.resendChunks(u, [0, 1, 2, 3, 4]);
    feed.emit('utterance:end', { id: 'u6', durationMs: 1000 });
    await ended('u6');
    const after = await stats(page);
    expect(after.duplicateChunks - before.duplicateChunks).toBe(5);
    expect(after.scheduledChunks - before.scheduledChunks).toBe(10);
    const t = await timeline(page, 'u6');
    expect(t.endSec! - t.baseSec!).toBeCloseTo(1, 6);
    expect(feed.eventsFor('u6').map((e) => e.type)).toEqual(['playback:start', 'playback:end']);

    // Events for an id already played are ignored; a replayed start is answered with its end ack again.
    const u1 = sineUtterance({ id: 'u1', text: 'Hello 世界, this is 测试!' });
    feed.resendChunks(u1, [0, 1]);
    feed.emit('cue', { id: 'u1', words: u1.words });
    feed.emit('utterance:start', { id: 'u1', text: u1.text, user: 'x', sampleRateHz: 22050, channels: 1, format: 'pcm_s16le' });
    await feed.waitForEvent((e) => e.type === 'playback:end' && e.data.id === 'u1' && feed.eventsFor('u1').length === 3);
    await sleep(300);
    const later = await stats(page);
    expect(later.ignoredEvents - after.ignoredEvents).toBeGreaterThanOrEqual(4);
    expect(later.scheduledChunks).toBe(after.scheduledChunks);
    expect(feed.eventsFor('u1').map((e) => e.type)).toEqual(['playback:start', 'playback:end', 'playback:end']);
  });

  it('survives a dropped connection: reconnects, says hello again, ignores the replay of the utterance in flight', async () => {
    const u = sineUtterance({ id: 'u8', text: 'still playing while offline', chunks: 15 });
    const hellos = () => feed.events.filter((e) => e.type === 'overlay:hello').length;
    const hellosBefore = hellos();
    const before = await stats(page);
    await feed.sendUtterance(u);
    await started('u8');
    for (const s of feed.overlay.sockets.values()) s.conn.close(); // transport drop, like a network blip
    await feed.waitForEvent(() => hellos() > hellosBefore);
    // The relay replays what it considers unplayed.
    await feed.sendUtterance(u);
    await ended('u8');
    await sleep(200);
    const after = await stats(page);
    expect(after.connected).toBe(true);
    expect(after.duplicateChunks - before.duplicateChunks).toBe(15);
    expect(after.scheduledChunks - before.scheduledChunks).toBe(15);
    expect(feed.eventsFor('u8').map((e) => e.type)).toEqual(['playback:start', 'playback:end']);
    const t = await timeline(page, 'u8');
    expect(t.endSec! - t.baseSec!).toBeCloseTo(1.5, 6);
  });

  it('absorbs chunks arriving slower than real time: counts underruns, grows the lead, drops nothing', async () => {
    const u = sineUtterance({ id: 'u9', text: 'slow network slow engine', chunks: 6 });
    const before = await stats(page);
    await feed.sendUtterance(u, { paceMs: 160 }); // 100 ms of audio every 160 ms
    await ended('u9');
    const after = await stats(page);
    expect(after.underruns).toBeGreaterThan(before.underruns);
    expect(after.leadMs).toBeGreaterThan(before.leadMs);
    expect(after.scheduledChunks - before.scheduledChunks).toBe(6);
    const t = await timeline(page, 'u9');
    expect(t.underruns).toBeGreaterThan(0);
    expect(t.endSec! - t.baseSec!).toBeGreaterThan(0.6); // stretched by the gaps, nothing overlapped or lost
    expect(feed.eventsFor('u9').map((e) => e.type)).toEqual(['playback:start', 'playback:end']);
  });

  it('shows markup in caption text literally', async () => {
    const text = '<img src=x onerror=window.__pwned=1>';
    const u = sineUtterance({ id: 'u7', text, words: ['<img', 'src=x', 'onerror=window.__pwned=1>'], user: '<b>bold</b>' });
    await feed.sendUtterance(u);
    await started('u7');
    await page.waitForFunction(() => document.querySelector('#caption')?.getAttribute('data-id') === 'u7');
    expect(await page.locator('#caption-line').textContent()).toBe(text);
    expect(await page.locator('#caption img, #caption b').count()).toBe(0);
    await ended('u7');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  });

  it('shows chat text whole once word timings arrive: symbols before the first word, emoji, skipped text', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { __lines: string[] };
      w.__lines = [];
      const line = document.getElementById('caption-line')!;
      new MutationObserver(() => {
        const text = line.textContent ?? '';
        if (text && w.__lines.at(-1) !== text) w.__lines.push(text);
      }).observe(line, { subtree: true, childList: true, characterData: true });
    });
    // The samples of issue 12 (cue words as engines give them: symbols not spoken), then siblings.
    const samples: { text: string; words: string[]; highlighted: string[] }[] = [
      { text: '<3 love this stream', words: ['love', 'this', 'stream'], highlighted: ['love', 'this', 'stream'] },
      { text: '@streamer hi', words: ['streamer', 'hi'], highlighted: ['streamer', 'hi'] },
      { text: '#1 fan', words: ['number', 'one', 'fan'], highlighted: ['#1', 'fan'] },
      { text: 'gg 😀 wp!! <3 「你好」世界。', words: ['gg', 'wp', '你好', '世界'], highlighted: ['gg', 'wp', '你好', '世界'] },
    ];
    for (const [n, sample] of samples.entries()) {
      const id = `sym${n}`;
      await page.evaluate(() => {
        const w = window as unknown as { __lines: string[]; __seenWords: string[] };
        w.__lines = [];
        w.__seenWords = [];
      });
      await feed.sendUtterance(sineUtterance({ id, text: sample.text, words: sample.words, chunks: 6 }));
      await ended(id);
      const { lines, seen } = await page.evaluate(() => {
        const w = window as unknown as { __lines: string[]; __seenWords: string[] };
        return { lines: w.__lines, seen: w.__seenWords };
      });
      expect(lines.length).toBeGreaterThan(0);
      expect(new Set(lines)).toEqual(new Set([sample.text]));
      expect(seen).toEqual(sample.highlighted);
    }
  });

  it('clears the caption after the hold time', async () => {
    await page.waitForFunction(() => document.getElementById('caption')!.hidden, undefined, { timeout: 5000 });
  });

  it('rejects style params that are not on the whitelist and applies valid ones', async () => {
    const { context, page: p, console: c } = await openPage(
      browser,
      feed.overlayUrl({ color: 'red;background:url(x)', highlight: '00ff00', size: '30', position: 'top', font: 'x}</style><b>', debug: '1' }),
    );
    extraConsoles.push(c);
    await p.waitForFunction(() => (window as unknown as { __overlayStats?: Stats }).__overlayStats?.connected === true);
    const rejected = await p.evaluate(() => (window as unknown as { __overlayStats: { rejectedParams: string[] } }).__overlayStats.rejectedParams);
    expect(rejected.sort()).toEqual(['color', 'font']);
    const style = await p.evaluate(() => ({
      hl: document.documentElement.style.getPropertyValue('--caption-highlight'),
      color: document.documentElement.style.getPropertyValue('--caption-color'),
      size: document.getElementById('caption')!.style.fontSize,
      top: document.getElementById('stage')!.classList.contains('pos-top'),
    }));
    expect(style).toEqual({ hl: '#00ff00', color: '#ffffff', size: '30px', top: true });
    // debug=1 shows the live counters on the page
    await p.waitForFunction(() => /"leadMs"/.test(document.getElementById('debug')?.textContent ?? ''));
    expect(await p.locator('#debug').isVisible()).toBe(true);
    await context.close();
  });

  it('says clearly when the overlay key is wrong', async () => {
    const { context, page: p, console: c } = await openPage(browser, `${feed.url}/overlay?key=wrong`);
    extraConsoles.push(c);
    await p.waitForSelector('#status:not([hidden])');
    expect(await p.locator('#status').textContent()).toMatch(/key rejected/i);
    await context.close();
  });

  it('logged no console errors', () => {
    expectNoConsoleErrors(consoleLog, ...extraConsoles);
  });
});

describe('overlay autoplay notice (default autoplay policy)', () => {
  let feed: OverlayFeed;
  let browser: Browser;

  beforeAll(async () => {
    feed = await startOverlayFeed();
    browser = await launchChromium({ requireUserGesture: true });
  });
  afterAll(async () => {
    await browser?.close();
    await feed?.close();
  });

  it('offers a one-click button when the AudioContext is suspended, and resumes on click', async () => {
    const { page, console: c } = await openPage(browser, feed.overlayUrl());
    const button = page.locator('#enable-audio');
    await button.waitFor({ state: 'visible', timeout: 5000 });
    expect(await button.textContent()).toContain('点击启用声音');
    expect((await stats(page)).audioState).toBe('suspended');
    await button.click();
    await page.waitForFunction(() => (window as unknown as { __overlayStats: Stats }).__overlayStats.audioState === 'running');
    await button.waitFor({ state: 'hidden' });
    expectNoConsoleErrors(c);
  });
});
