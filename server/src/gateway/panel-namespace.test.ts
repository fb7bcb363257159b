/** The /panel namespace over a real Socket.IO server on port 0, with fake relay and panel ports. */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMPTY, NEVER, Subject } from 'rxjs';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { relayClientOptions } from '../../../test/support/relay-client.ts';
import { wireParser } from '../core/wire-format.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../core/errors.ts';
import type { SubtitlesChange } from '../core/protocol.ts';
import { silentLogger } from '../core/logger.ts';
import type { PanelPort } from './panel-port.ts';
import { attachPanelNamespace } from './panel-namespace.ts';
import type { RelayPort } from './ports.ts';

const TOKEN = 'panel-test-token';
const settingsChanged$ = new Subject<void>();
/** Commands the panel refused for its rate limit (its onRateLimited calls). */
let rateLimited = 0;
let voiceTestRelease: (() => void) | undefined;
const calls: string[] = [];
let subtitlesMuted = false;
/** The relay's subtitle changes, whoever made them (here: the fake's muteSubtitles, or a test standing in for the HTTP API). */
const subtitlesChanged$ = new Subject<SubtitlesChange>();

const relay = {
  submit: ({ text }: { text: string }) => ({ id: `id-of-${text}`, duplicate: false }),
  skip: (id: string) => id === 'known',
  listQueue: () => [],
  pause: () => void calls.push('pause'),
  muteSubtitles: (muted: boolean) => {
    subtitlesMuted = muted;
    calls.push(`mute ${muted}`);
    subtitlesChanged$.next('mute');
  },
  subtitles: () => ({ muted: subtitlesMuted, recent: [{ id: 's1', text: '大家好', final: true, translation: { lang: 'en', text: 'Hi all' } }] }),
  subtitlesChanged$,
  resume: () => void calls.push('resume'),
  clear: ({ includePaid }: { includePaid: boolean }) => ({ cleared: includePaid ? 3 : 2, keptPaid: includePaid ? 0 : 1 }),
  replay: (id: string) => {
    throw new NotFoundError(`no readout with id ${id}`);
  },
  feed: { events$: EMPTY, playback$: EMPTY },
  queueChanged$: EMPTY,
} as unknown as RelayPort;

let saved: Record<string, unknown> = { rate: 1 };
const panel: PanelPort = {
  info: () => ({ engines: [{ name: 'embedded', speechParams: ['rate', 'pitch'], voices: ['en-us'], cloning: 'none' }], obsConfigured: false, limits: { maxTextChars: 500, dedupeWindowMs: 10_000 } }),
  health: () => ({
    nowMs: Date.now(),
    paused: false,
    engine: { name: 'embedded', healthy: true, chain: [], spokenBy: {}, instructIgnored: 0, failovers: {}, retries: 0, throttledWaits: { count: 0, totalMs: 0 }, pool: [] },
    sources: [],
    obs: null,
    scaleOut: null,
    recognition: { state: 'off', feeds: 0, audioSentMs: 0 },
  }),
  stats: () => ({ windowMs: 3_600_000, firstAudio: [], p50Ms: null, p95Ms: null, waitP50Ms: null, waitP95Ms: null, drops: {} }),
  statsChanged$: NEVER,
  settings: () => ({ moderation: {}, queuePolicy: {}, voice: saved, voices: {}, overlayStyle: {}, obs: {}, asrVocabulary: {} }),
  settingsChanged$: settingsChanged$,
  saveSettings: (_section, value) => {
    saved = value as Record<string, unknown>;
    settingsChanged$.next();
    return saved;
  },
  ban: (user) => ({ dropped: user.length }),
  unban: () => {},
  searchHistory: () => [],
  testVoice: () =>
    new Promise((resolve) => {
      voiceTestRelease = () =>
        resolve({ engine: 'embedded', sampleRateHz: 1000, pcm: Buffer.from([1, 0, 2, 0]), durationMs: 2, truncated: false, ignoredParams: [] });
    }),
  ensureObsOverlay: async () => ({ outcome: 'created', sceneName: 'Main', inputName: 'overlay' }),
};

let http: HttpServer;
let io: Server;
let namespace: { close(): void };
let url: string;
const clients: Socket[] = [];

beforeAll(async () => {
  http = createServer();
  io = new Server(http, { parser: wireParser });
  namespace = attachPanelNamespace(io, { relay, panel, overlays: { statuses: () => [], statusChanged$: NEVER }, token: TOKEN, overlayPath: '/overlay?key=k', log: silentLogger, onRateLimited: () => (rateLimited += 1) });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  namespace.close();
  await new Promise<void>((resolve) => io.close(() => resolve()));
});

function connect(token = TOKEN): Socket {
  const socket = connectClient(`${url}/panel`, { ...relayClientOptions({ token }), transports: ['websocket'], reconnection: false, forceNew: true });
  clients.push(socket);
  return socket;
}

const connected = (socket: Socket) => new Promise<void>((resolve) => socket.on('connect', () => resolve()));

const ask = (socket: Socket, event: string, ...args: unknown[]) => socket.timeout(2_000).emitWithAck(event, ...args) as Promise<Record<string, unknown>>;

describe('/panel namespace', () => {
  it('refuses a wrong token', async () => {
    const socket = connect('wrong');
    const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
  });

  it('sends the whole state on connect', async () => {
    const socket = connect();
    const seen: Record<string, unknown> = {};
    for (const event of ['panel:init', 'queue:update', 'health:update', 'stats:update', 'settings:update', 'subtitles:update']) socket.on(event, (e: unknown) => (seen[event] = e));
    await expect.poll(() => Object.keys(seen).length).toBe(6);
    expect(seen['subtitles:update']).toEqual({ muted: false, recent: [{ id: 's1', text: '大家好', final: true, translation: { lang: 'en', text: 'Hi all' } }] });
    expect(seen['panel:init']).toEqual({ overlayPath: '/overlay?key=k', ...panel.info() });
    expect(seen['health:update']).toMatchObject({ overlays: [], paused: false });
  });

  it('answers commands with results or typed errors naming the field', async () => {
    const socket = connect();
    await connected(socket);
    expect(await ask(socket, 'caption:send', { text: 'hi' })).toEqual({ ok: true, id: 'id-of-hi' });
    expect(await ask(socket, 'queue:pause', {})).toEqual({ ok: true, paused: true });
    const pushed: unknown[] = [];
    socket.on('subtitles:update', (e: unknown) => pushed.push(e));
    expect(await ask(socket, 'subtitles:mute', { muted: true })).toEqual({ ok: true, muted: true });
    await expect.poll(() => pushed).toEqual([expect.objectContaining({ muted: true })]);
    expect(await ask(socket, 'subtitles:mute', { muted: 'yes' })).toMatchObject({ ok: false, error: { code: 'invalid_body' } });
    expect(await ask(socket, 'subtitles:mute', { muted: false })).toEqual({ ok: true, muted: false });
    expect(await ask(socket, 'queue:clear', { includePaid: true })).toEqual({ ok: true, cleared: 3, keptPaid: 0 });
    expect(await ask(socket, 'queue:clear', {})).toEqual({ ok: true, cleared: 2, keptPaid: 1 });
    expect(await ask(socket, 'user:ban', { user: ' troll ' })).toEqual({ ok: true, user: 'troll', dropped: 5 });
    expect(await ask(socket, 'queue:skip', { id: 'unknown' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ask(socket, 'queue:replay', { id: 'gone' })).toEqual({ ok: false, error: { code: 'not_found', message: 'no readout with id gone' } });
    expect(await ask(socket, 'user:ban', { user: '' })).toMatchObject({ ok: false, error: { code: 'invalid_body', message: expect.stringMatching(/^user: /) } });
    expect(await ask(socket, 'settings:save', { section: 'nope', value: {} })).toMatchObject({ ok: false, error: { code: 'invalid_body', message: expect.stringMatching(/^section: /) } });
    expect(await ask(socket, 'queue:skip', { id: 'known' }, 'extra')).toMatchObject({ ok: false, error: { code: 'invalid_body' } });
    expect(await ask(socket, 'obs:ensure-overlay', {})).toEqual({ ok: true, outcome: 'created', sceneName: 'Main', inputName: 'overlay' });
    expect(calls).toContain('pause');
  });

  it('pushes the subtitles whoever changed them (a mute from the HTTP API too): a mute at once, a burst of lines once', async () => {
    const socket = connect();
    const pushed: { muted: boolean }[] = [];
    socket.on('subtitles:update', (e: { muted: boolean }) => pushed.push(e));
    await connected(socket);
    await expect.poll(() => pushed.length).toBe(1); // the state on connect
    relay.muteSubtitles(true); // what POST /api/subtitles/mute calls
    expect(await ask(socket, 'queue:pause', {})).toEqual({ ok: true, paused: true }); // a round trip: the push came before it
    expect(pushed.map((p) => p.muted)).toEqual([false, true]);
    for (let i = 0; i < 5; i++) subtitlesChanged$.next('line');
    await expect.poll(() => pushed.length).toBe(3);
    await new Promise((r) => setTimeout(r, 400));
    expect(pushed).toHaveLength(3);
    relay.muteSubtitles(false);
  });

  it('pushes saved settings to every panel', async () => {
    const [a, b] = [connect(), connect()];
    await Promise.all([a, b].map((s) => new Promise((resolve) => s.on('settings:update', resolve))));
    const pushed = new Promise((resolve) => b.on('settings:update', resolve));
    expect(await ask(a, 'settings:save', { section: 'voice', value: { rate: 1.5 } })).toEqual({ ok: true, value: { rate: 1.5 } });
    expect(await pushed).toMatchObject({ voice: { rate: 1.5 } });
  });

  it('runs one voice test at a time and returns its PCM as binary', async () => {
    const socket = connect();
    await connected(socket);
    const first = ask(socket, 'voice:test', { engine: 'embedded', text: 'hi' });
    await expect.poll(() => voiceTestRelease).toBeDefined();
    expect(await ask(socket, 'voice:test', { engine: 'embedded', text: 'again' })).toMatchObject({ ok: false, error: { code: 'busy' } });
    voiceTestRelease!();
    const result = await first;
    expect(result).toMatchObject({ ok: true, sampleRateHz: 1000, durationMs: 2 });
    expect(Buffer.isBuffer(result.pcm) || result.pcm instanceof ArrayBuffer).toBe(true);
  });

  it('rate-limits commands per socket', async () => {
    const socket = connect();
    await connected(socket);
    const answers = await Promise.all(Array.from({ length: 60 }, () => ask(socket, 'history:search', { query: '' })));
    const limited = answers.filter((a) => !a.ok && (a.error as { code: string }).code === 'rate_limited').length;
    expect(limited).toBeGreaterThan(0);
    expect(answers.length - limited).toBeGreaterThanOrEqual(40);
    expect(rateLimited).toBe(limited); // each refusal counted
  });
});
