/**
 * The panel's Voices tab in real Chromium against a relay whose chain can clone
 * (embedded, then cosyvoice-selfhost on its fake): presets listed per engine; a voice created
 * from an uploaded WAV spoken by the embedded engine, listed with its transcript shown as
 * text, tested (the relay speaks it with its sample and the page plays it), deleted; the
 * relay's refusals shown (bad audio with its reason, a taken name, a too big file); a sample
 * recorded from Chromium's fake microphone (fed with the same speech), played back and made
 * a voice; the phone layout; no console errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../../plugin/tts-embedded/index.ts';
import type { VoiceInfo } from '../../server/src/core/voices.ts';
import { encodeWav, pcm16FromFloats } from '../../server/src/core/wav-file.ts';
import { startFakeSelfhost, type FakeSelfhost } from '../fakes/cosyvoice-selfhost/fake-selfhost-server.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { expectNoConsoleErrors, launchChromium, saveScreenshot, type ConsoleLog } from './browser.ts';
import { openPanel, PHONE, showTab } from './panel/panel-kit.ts';

const SAMPLE_TEXT = 'Hello everyone, and welcome to the stream. This is my own voice, recorded as a sample for the voice library.';
const HOSTILE_TRANSCRIPT = '<img src=x onerror="window.__pwned=1"> hello everyone';

let dir: string;
let sampleWav: Uint8Array;
let selfhost: FakeSelfhost;
let relay: Harness;
let browser: Browser;
let panel: Page;
const consoles: ConsoleLog[] = [];

/** The embedded engine speaks `text`; its PCM wrapped as a WAV file. */
async function embeddedWav(text: string): Promise<{ wav: Uint8Array; durationMs: number }> {
  const engine = await createEmbeddedEngine({});
  try {
    const chunks: Uint8Array[] = [];
    await new Promise<void>((resolve, reject) =>
      engine.synthesize({ id: 'voice-sample', text }).subscribe({ next: (o) => o.kind === 'audio' && chunks.push(o.pcm), error: reject, complete: resolve }),
    );
    const pcm = Buffer.concat(chunks);
    return { wav: encodeWav(pcm, engine.sampleRateHz), durationMs: (pcm.byteLength / 2 / engine.sampleRateHz) * 1000 };
  } finally {
    await engine.close();
  }
}

const listed = async (): Promise<VoiceInfo[]> => ((await (await relay.get('/api/voices')).json()) as { voices: VoiceInfo[] }).voices;
const cloneRow = (name: string) => panel.locator('#voices-clones li', { has: panel.locator('.name', { hasText: name }) });
const createResult = () => panel.locator('#voice-create-result');

async function upload(name: string, buffer: Uint8Array): Promise<void> {
  await panel.setInputFiles('#voice-file', { name, mimeType: 'audio/wav', buffer: Buffer.from(buffer) });
  await panel.waitForSelector('#voice-sample:not([hidden])');
}

async function create(name: string, transcript: string): Promise<string> {
  await panel.fill('#voice-name', name);
  await panel.fill('#voice-transcript', transcript);
  await panel.click('#voice-create-button');
  await expect.poll(() => createResult().textContent(), { timeout: 15_000 }).not.toMatch(/^(Creating…|创建中…)?$/);
  return (await createResult().textContent()) ?? '';
}

/** Plays the sample in the form's audio element for a moment: it must really advance. */
async function playSampleBack(): Promise<void> {
  await panel.evaluate(() => document.querySelector<HTMLAudioElement>('#voice-sample')!.play());
  await panel.waitForFunction(() => document.querySelector<HTMLAudioElement>('#voice-sample')!.currentTime > 0.3);
  const state = await panel.evaluate(() => {
    const audio = document.querySelector<HTMLAudioElement>('#voice-sample')!;
    audio.pause();
    return { duration: audio.duration, error: audio.error?.code ?? null };
  });
  expect(state.error).toBeNull();
  expect(state.duration).toBeGreaterThan(3);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cosy-panel-voices-'));
  const sample = await embeddedWav(SAMPLE_TEXT);
  expect(sample.durationMs).toBeGreaterThan(4_000);
  sampleWav = sample.wav;
  const micFile = join(dir, 'microphone.wav');
  writeFileSync(micFile, sampleWav);
  selfhost = await startFakeSelfhost();
  relay = await startHarness({ TTS_ENGINE: 'embedded,cosyvoice-selfhost', COSYVOICE_SELFHOST_URL: selfhost.url });
  browser = await launchChromium({
    args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${micFile}`],
  });
  const opened = await openPanel(browser, relay);
  panel = opened.page;
  consoles.push(opened.console);
  await showTab(panel, 'voices');
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await selfhost?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('panel voices', () => {
  it('lists the presets per engine, no clones yet, offers only the engine that can clone, and tests a preset', async () => {
    const embedded = panel.locator('#voices-presets details[data-engine="embedded"]');
    await embedded.waitFor();
    const presets = (await listed()).filter((v) => v.kind === 'preset' && v.engine === 'embedded');
    expect(presets.length).toBeGreaterThan(0);
    expect(await embedded.locator('summary').textContent()).toBe(`embedded (${presets.length})`);
    expect(await panel.isVisible('#voices-clones-empty')).toBe(true);
    expect(await panel.locator('#voice-engine option').allTextContents()).toEqual(['cosyvoice-selfhost']);
    expect(await panel.isVisible('#voice-no-engine')).toBe(false);
    expect(await panel.textContent('#tabs button[data-tab="voices"]')).toBe('Voices');

    await panel.fill('#voices-test-text', 'Hello there.');
    await embedded.locator('summary').click();
    const preset = embedded.locator('li').first();
    await preset.locator('button.test').click();
    const result = panel.locator('#voices-test-result');
    await expect.poll(() => result.getAttribute('data-played'), { timeout: 20_000 }).toBe('1');
    expect(await result.getAttribute('data-voice')).toBe(await preset.getAttribute('data-voice-id'));
    expect(await result.getAttribute('data-engine')).toBe('embedded');
    await embedded.locator('summary').click();
  });

  it('creates a voice from an uploaded WAV after playing it back; the transcript is shown as text', async () => {
    await upload('sample.wav', sampleWav);
    await playSampleBack();
    expect(await create('Streamer_主播', HOSTILE_TRANSCRIPT)).toBe('Created: Streamer_主播');
    const row = cloneRow('Streamer_主播');
    await row.waitFor();
    expect(await row.getAttribute('data-engine')).toBe('cosyvoice-selfhost');
    expect(await row.locator('.text').textContent()).toBe(HOSTILE_TRANSCRIPT);
    expect(await row.locator('img').count()).toBe(0);
    expect(await panel.isVisible('#voices-clones-empty')).toBe(false);
    expect(await panel.inputValue('#voice-name')).toBe('');
    expect(await panel.isVisible('#voice-sample')).toBe(false);
    const voice = (await listed()).find((v) => v.name === 'Streamer_主播');
    expect(voice).toMatchObject({ kind: 'clone', engine: 'cosyvoice-selfhost', promptText: HOSTILE_TRANSCRIPT });
    expect(await row.getAttribute('data-voice-id')).toBe(voice!.id);
    expect(await panel.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await saveScreenshot(panel, 'panel-voices');
  });

  it('says why the relay refuses a sample: bad audio with its reason, a taken name, a too big file', async () => {
    const errorsBefore = consoles[0]!.errors.length;
    const tooShort = encodeWav(pcm16FromFloats(new Float32Array(16_000).map((_, i) => 0.25 * Math.sin(i / 5))), 16_000);
    await upload('short.wav', tooShort);
    expect(await create('Too_short', '')).toMatch(/^The sample cannot be used: .*1\.0 s/);
    await upload('sample.wav', sampleWav);
    expect(await create('streamer_主播', '')).toMatch(/^That name is taken: /);
    await upload('huge.wav', new Uint8Array(11 * 1024 * 1024));
    expect(await create('Huge', '')).toMatch(/^The file is too big: /);
    expect((await listed()).filter((v) => v.kind === 'clone').map((v) => v.name)).toEqual(['Streamer_主播']);
    await panel.click('#lang');
    await upload('short.wav', tooShort);
    expect(await create('Too_short', '')).toMatch(/^样本无法使用: /);
    await panel.click('#lang');
    // Chromium logs each refused request; these four are expected, nothing else.
    const refused = consoles[0]!.errors.splice(errorsBefore);
    expect(refused.map((e) => /status of (\d+)/.exec(e)?.[1])).toEqual(['400', '409', '413', '400']);
  });

  it('tests the cloned voice with any text: the relay speaks it with the sample and the page plays it', async () => {
    const id = await cloneRow('Streamer_主播').getAttribute('data-voice-id');
    await panel.fill('#voices-test-text', 'Thanks for the raid, everyone!');
    await cloneRow('Streamer_主播').locator('button.test').click();
    const result = panel.locator('#voices-test-result');
    await expect.poll(() => result.getAttribute('data-played'), { timeout: 20_000 }).toBe('2');
    expect(await result.getAttribute('data-voice')).toBe(id);
    expect(await result.getAttribute('data-engine')).toBe('cosyvoice-selfhost');
    expect(Number(await result.getAttribute('data-bytes'))).toBeGreaterThan(10_000);
    // The self-hosted server got the sample (16 kHz mono WAV) and its transcript with the text.
    const call = selfhost.stats.calls.find((c) => c.fields.tts_text === 'Thanks for the raid, everyone!');
    expect(call).toMatchObject({ route: 'inference_zero_shot', fields: { prompt_text: HOSTILE_TRANSCRIPT } });
    expect(call!.promptWavBytes).toBeGreaterThan(3 * 16_000 * 2);
  });

  it('deletes the voice after a confirming second click', async () => {
    const row = cloneRow('Streamer_主播');
    const button = row.locator('button.delete');
    await button.click();
    expect(await button.textContent()).toBe('Really delete?');
    await button.click();
    await row.waitFor({ state: 'detached' });
    expect(await panel.isVisible('#voices-clones-empty')).toBe(true);
    expect((await listed()).some((v) => v.kind === 'clone')).toBe(false);
  });

  it('records a sample from the microphone, plays it back and creates a voice from it', async () => {
    await panel.click('#voice-record');
    await panel.waitForSelector('#voice-create[data-recording]');
    expect(await panel.textContent('#voice-record')).toBe('Stop recording');
    await panel.waitForTimeout(4_500);
    await panel.click('#voice-record');
    await expect.poll(() => panel.textContent('#voice-sample-info'), { timeout: 10_000 }).toMatch(/^Recorded [45]\.\d s · \d+ KB$/);
    expect(await panel.isVisible('#voice-sample')).toBe(true);
    expect(await panel.textContent('#voice-record')).toBe('Record');
    await playSampleBack();
    expect(await create('Recorded_voice', SAMPLE_TEXT)).toBe('Created: Recorded_voice');
    await cloneRow('Recorded_voice').waitFor();
    expect((await listed()).find((v) => v.name === 'Recorded_voice')).toMatchObject({ kind: 'clone', engine: 'cosyvoice-selfhost' });
  });

  it('fits a phone (390×844) without horizontal scrolling', async () => {
    const opened = await openPanel(browser, relay, PHONE);
    consoles.push(opened.console);
    await showTab(opened.page, 'voices');
    await opened.page.locator('#voices-clones li').first().waitFor();
    await opened.page.locator('#voices-presets details').first().locator('summary').click();
    const { scrollWidth, clientWidth } = await opened.page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await saveScreenshot(opened.page, 'panel-phone-voices');
    await opened.page.context().close();
    await panel.context().close();
    expectNoConsoleErrors(...consoles);
  });
});
