/**
 * Issue 7, hostile input: a generated corpus (corpus.ts) thrown at every entry point of one
 * running relay (in-process, embedded engine, Twitch and Bilibili sources on fake servers,
 * an acking overlay connected), then: the relay still answers /healthz and plays a normal
 * caption, every 202 id is in the history, memory stayed bounded, and neither the API token
 * nor the overlay key appeared in a single log line.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { io, type Socket } from 'socket.io-client';
import { relayClientOptions } from '../support/relay-client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SourceError } from '../../server/src/core/source.ts';
import type { HistoryEntry } from '../../server/src/core/history.ts';
import { SOCKET_FLOOD_REJECTS_PER_S } from '../../server/src/gateway/server.ts';
import { FLOOD_LINES_PER_S_BEFORE_CLOSE } from '../../plugin/source-asr/asr-source.ts';
import { toSourceEvents, DEFAULT_BILIBILI_TRIGGERS } from '../../plugin/source-bilibili/bilibili-commands.ts';
import { decodePackets, MAX_INFLATED_BYTES_PER_FRAME } from '../../plugin/source-bilibili/packet.ts';
import { parseIrcLine } from '../../plugin/source-twitch/irc-message.ts';
import { DEFAULT_TWITCH_TRIGGERS, toSourceEvent } from '../../plugin/source-twitch/twitch-events.ts';
import { bilibiliCommands, startFakeBilibiliLive, type FakeBilibiliLive } from '../fakes/bilibili/fake-bilibili-live.ts';
import { privmsgLine, startFakeTwitchIrc, type FakeTwitchIrc } from '../fakes/twitch/fake-twitch-irc.ts';
import { AckOverlay } from '../support/ack-overlay.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import {
  asrConnectionCorpus,
  asrLineCorpus,
  bilibiliCorpus,
  httpCorpus,
  ircCorpus,
  overlaySocketCorpus,
  panelSocketCorpus,
  UNKNOWN_EVENTS,
  type HttpCase,
} from './corpus.ts';
import { captureLogs, type LogCapture } from './log-capture.ts';
import { chunkedBody, plainBody, rawHttp } from './raw-http.ts';

/**
 * RSS the whole corpus may add to the process (relay and test client share it), after a GC,
 * and JS heap it may add (what a leak in the relay would show first).
 */
const RSS_GROWTH_BOUND_BYTES = 150 * 1024 * 1024;
const HEAP_GROWTH_BOUND_BYTES = 40 * 1024 * 1024;
/** RSS one 100 MB upload may add while it is being refused. */
const UPLOAD_RSS_BOUND_BYTES = 40 * 1024 * 1024;
const CHANNEL = 'hostile';


/** Built once: the bomb frames take a moment to compress. */
const BILIBILI_CASES = bilibiliCorpus();

let relay: Harness;
let twitch: FakeTwitchIrc;
let bilibili: FakeBilibiliLive;
let logs: LogCapture;
let player: AckOverlay;
let secrets: readonly string[] = [];
let rssBefore = 0;
let heapBefore = 0;
const counts = new Map<string, number>();
/** Every id the relay promised (HTTP 202, panel ok). */
const accepted = new Set<string>();
const startedAt = performance.now();
const timings: Record<string, number> = {};

const count = (entry: string, n = 1) => counts.set(entry, (counts.get(entry) ?? 0) + n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function rssAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().rss;
}
const heapAfterGc = (): number => (rssAfterGc(), process.memoryUsage().heapUsed);

async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    timings[name] = Math.round(performance.now() - t0);
  }
}

beforeAll(async () => {
  twitch = await startFakeTwitchIrc();
  bilibili = await startFakeBilibiliLive();
  logs = captureLogs(() => secrets);
  relay = await startHarness(
    {
      TWITCH_CHANNEL: CHANNEL,
      TWITCH_IRC_URL: twitch.url,
      BILIBILI_ROOM_ID: '4242',
      BILIBILI_URL: bilibili.url,
    },
    undefined,
    undefined,
    { log: logs.log },
  );
  secrets = [relay.secrets.token, relay.secrets.overlayKey];
  player = new AckOverlay({ playbackMs: 5 });
  await player.connect(relay.url, relay.secrets.overlayKey);
  await twitch.waitForLine((l) => l.startsWith('JOIN'), 0, 15_000);
  for (let i = 0; i < 150 && bilibili.heartbeatCount() === 0; i++) await sleep(100);
  // Warm up (engine, sockets, SQLite) before taking the memory baseline.
  const warm = await relay.post('/api/captions', { text: 'warm up before the hostile corpus' });
  accepted.add(((await warm.json()) as { id: string }).id);
  for (let i = 0; i < 400 && player.acks.length === 0; i++) await sleep(50);
  if (player.acks.length === 0) throw new Error('the warm-up caption was not played');
  rssBefore = rssAfterGc();
  heapBefore = heapAfterGc();
});

afterAll(async () => {
  player?.disconnect();
  await relay?.stop();
  await twitch?.close();
  await bilibili?.close();
  const table = Object.fromEntries([...counts].map(([k, v]) => [k, v]));
  console.log(`hostile corpus: ${JSON.stringify(table)} total ${[...counts.values()].reduce((a, b) => a + b, 0)}`);
  console.log(`hostile timings ms: ${JSON.stringify({ ...timings, whole: Math.round(performance.now() - startedAt) })}`);
});

// ---------------------------------------------------------------- HTTP

async function outcomeOf(c: HttpCase): Promise<{ outcome: string; id?: string; contentType?: string; nosniff?: string }> {
  const auth: [string, string][] = c.auth === false ? [] : [['Authorization', `Bearer ${relay.secrets.token}`]];
  const res = await rawHttp(
    relay.url,
    c.verbatim !== undefined
      ? { method: '', path: '', verbatim: c.verbatim, timeoutMs: c.timeoutMs }
      : { method: c.method, path: c.path, headers: [...auth, ...(c.headers ?? [])], body: c.body, timeoutMs: c.timeoutMs },
  );
  const meta = { contentType: res.headers['content-type'], nosniff: res.headers['x-content-type-options'] };
  if (res.status === 0 || res.status < 300) {
    const id = res.status === 202 ? (JSON.parse(res.body) as { id?: string }).id : undefined;
    return { outcome: String(res.status), id, ...meta };
  }
  if (c.method === 'HEAD') return { outcome: `${res.status} ${res.headers['allow'] ? 'method_not_allowed' : '?'}`, ...meta };
  try {
    const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown }; code?: unknown };
    // Under /socket.io/ engine.io answers in its own protocol's shape.
    if (c.path.startsWith('/socket.io/') && typeof body.code === 'number') return { outcome: `${res.status} engine.io`, ...meta };
    const ok = typeof body.error?.code === 'string' && typeof body.error.message === 'string' && body.error.message.length > 0;
    return { outcome: ok ? `${res.status} ${body.error!.code as string}` : `${res.status} <bad error body ${res.body.slice(0, 80)}>`, ...meta };
  } catch {
    return { outcome: `${res.status} <not JSON: ${res.body.slice(0, 80)}>`, ...meta };
  }
}

describe('hostile corpus', () => {
  it('HTTP: every case is answered with its status and a {error:{code,message}} body, never a 5xx', async () => {
    const cases = httpCorpus({ token: relay.secrets.token, overlayKey: relay.secrets.overlayKey });
    const wrong: string[] = [];
    await timed('http', async () => {
      for (const c of cases) {
        const { outcome, id, contentType, nosniff } = await outcomeOf(c);
        count(c.entry);
        if (id) accepted.add(id);
        if (!c.expect.includes(outcome)) wrong.push(`${c.entry} / ${c.name}: got ${outcome}, expected ${c.expect.join(' | ')}`);
        else if (/^[45]\d\d [a-z_]+$/.test(outcome) && c.method !== 'HEAD' && !/^application\/json/.test(contentType ?? '')) {
          wrong.push(`${c.name}: error answered as ${contentType}`);
        } else if (outcome !== '0' && c.verbatim === undefined && nosniff !== 'nosniff' && !outcome.startsWith('431')) {
          wrong.push(`${c.name}: no X-Content-Type-Options: nosniff`);
        }
      }
    });
    expect(wrong).toEqual([]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  }, 180_000);

  it('HTTP: a 100 MB upload is refused with 413 after 64 KiB, at once, without the relay reading or buffering it', async () => {
    const big = 100 * 1024 * 1024;
    const auth: [string, string][] = [['Authorization', `Bearer ${relay.secrets.token}`]];
    const uploads = [
      { name: 'chunked, authorized', headers: [...auth, ['Transfer-Encoding', 'chunked']] as [string, string][], stream: () => chunkedBody(big), expect: '413 body_too_large' },
      { name: 'Content-Length 100 MB, authorized', headers: [...auth, ['Content-Length', String(big)]] as [string, string][], stream: () => plainBody(big), expect: '413 body_too_large' },
      { name: 'chunked, no token', headers: [['Transfer-Encoding', 'chunked']] as [string, string][], stream: () => chunkedBody(big), expect: '401 unauthorized' },
    ];
    for (const upload of uploads) {
      const before = rssAfterGc();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const res = await timed(`upload ${upload.name}`, () =>
        rawHttp(relay.url, { method: 'POST', path: '/api/captions', headers: upload.headers, stream: upload.stream, timeoutMs: 20_000 }),
      );
      clearInterval(sampler);
      count('http POST /api/captions');
      const code = res.status ? (JSON.parse(res.body) as { error: { code: string } }).error.code : '';
      expect(`${res.status} ${code}`, upload.name).toBe(upload.expect);
      expect(res.elapsedMs, upload.name).toBeLessThan(2_000);
      expect(res.headers['connection'], upload.name).toBe('close');
      // The answer came while the client was still sending: far less than 100 MB went out.
      expect(res.bytesSent, upload.name).toBeLessThan(big / 4);
      expect(peak - before, upload.name).toBeLessThan(UPLOAD_RSS_BOUND_BYTES);
    }
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  }, 60_000);

  // ---------------------------------------------------------------- ASR

  it('ASR WebSocket: bad tokens, origins and paths are refused at the upgrade with a JSON error', async () => {
    const wrong: string[] = [];
    for (const c of asrConnectionCorpus({ token: relay.secrets.token, overlayKey: relay.secrets.overlayKey })) {
      const ws = new WebSocket(relay.url.replace('http', 'ws') + c.path, { headers: c.headers });
      const outcome = await new Promise<string>((resolve) => {
        ws.once('open', () => resolve('open'));
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => {
            try {
              resolve(`${res.statusCode} ${(JSON.parse(body) as { error: { code: string } }).error.code}`);
            } catch {
              resolve(`${res.statusCode} <not JSON: ${body.slice(0, 60)}>`);
            }
          });
        });
        ws.once('error', (err) => resolve(`error ${err.message}`));
      });
      ws.terminate();
      count('ws /ingest/asr');
      if (outcome !== c.expect) wrong.push(`${c.name}: got ${outcome}, expected ${c.expect}`);
    }
    expect(wrong).toEqual([]);
  });

  it('ASR WebSocket: every bad line is answered with {error:{code,message}}, good ones reach the overlay, the feed stays open', async () => {
    const lines = new SocketIoClient(relay.url, '/overlay', { key: relay.secrets.overlayKey });
    const subtitles: string[] = [];
    lines.socket.on('subtitle:line' as never, (e: { text: string }) => void subtitles.push(e.text));
    await lines.connected();
    const wrong: string[] = [];
    let ws: WebSocket | undefined;
    let replies: unknown[] = [];
    const cases = asrLineCorpus();
    await timed('asr lines', async () => {
      for (const [i, c] of cases.entries()) {
        // A fresh connection every 30 lines keeps the corpus inside the per-connection rate budget.
        if (i % 30 === 0) {
          ws?.close();
          ws = new WebSocket(`${relay.url.replace('http', 'ws')}/ingest/asr?token=${relay.secrets.token}`);
          await new Promise((resolve) => ws!.once('open', resolve));
          replies = [];
          ws.on('message', (d) => replies.push(JSON.parse(d.toString())));
        }
        const [repliesBefore, subtitlesBefore] = [replies.length, subtitles.length];
        ws!.send(c.frame, { binary: Buffer.isBuffer(c.frame) });
        const deadline = Date.now() + 1_000;
        while (replies.length === repliesBefore && subtitles.length === subtitlesBefore && Date.now() < deadline) await sleep(2);
        const reply = replies[repliesBefore] as { error?: { code: string; message: string } } | undefined;
        const outcome = reply ? (reply.error?.message ? reply.error.code : `<bad reply ${JSON.stringify(reply)}>`) : subtitles.length > subtitlesBefore ? 'event' : 'none';
        count('ws /ingest/asr');
        const allowed = c.expect === 'event' ? ['event', 'none'] : [c.expect];
        if (!allowed.includes(outcome)) wrong.push(`${c.name}: got ${outcome}, expected ${c.expect}`);
      }
    });
    expect(ws!.readyState).toBe(WebSocket.OPEN);
    ws!.close();
    expect(wrong).toEqual([]);
    // What overlays were shown is display-safe text.
    for (const text of subtitles) expect(text).not.toMatch(/[\p{Cc}\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/u);
    lines.close();
  }, 120_000);

  it('ASR WebSocket: an oversize frame closes with 1009, invalid UTF-8 with 1007, a flood is told rate_limited then closed with 1008', async () => {
    const open = async () => {
      const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/ingest/asr?token=${relay.secrets.token}`);
      await new Promise((resolve) => ws.once('open', resolve));
      return ws;
    };
    const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

    const oversize = await open();
    const oversizeClosed = closeCode(oversize);
    oversize.send('x'.repeat(16 * 4096 + 1));
    expect(await oversizeClosed).toBe(1009);

    const badUtf8 = await open();
    const badClosed = closeCode(badUtf8);
    badUtf8.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await badClosed).toBe(1007);

    const flood = await open();
    const floodReplies: { error?: { code: string } }[] = [];
    flood.on('message', (d) => floodReplies.push(JSON.parse(d.toString())));
    const floodClosed = closeCode(flood);
    const frame = Array.from({ length: 16 }, (_, i) => JSON.stringify({ text: `flood ${i}`, final: false })).join('\n');
    for (let i = 0; i < 200 && flood.readyState === WebSocket.OPEN; i++) flood.send(frame);
    expect(await floodClosed).toBe(1008);
    expect(floodReplies.some((r) => r.error?.code === 'rate_limited')).toBe(true);
    expect(FLOOD_LINES_PER_S_BEFORE_CLOSE).toBeLessThan(200 * 16);
    count('ws /ingest/asr', 3);
  });

  // ---------------------------------------------------------------- chat sources

  it('IRC: the parser and the Twitch event mapping take every hostile line without throwing, and bound what they return', () => {
    const lines = ircCorpus(CHANNEL);
    for (const line of lines) {
      const msg = parseIrcLine(line);
      if (!msg) continue;
      expect(line.length).toBeLessThanOrEqual(16 * 1024);
      expect(Object.getPrototypeOf(msg.tags)).toBeNull();
      const event = toSourceEvent(msg, { ...DEFAULT_TWITCH_TRIGGERS, allMessages: true }, 0);
      if (event?.type === 'caption') {
        expect(typeof event.text).toBe('string');
        expect(typeof event.user).toBe('string');
      }
    }
    expect(parseIrcLine('PING :a\nPRIVMSG #other :smuggled')).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('IRC: the same lines through the fake Twitch server: the relay stays up, never sends a smuggled line, and still reads chat', async () => {
    const lines = ircCorpus(CHANNEL);
    const sentBefore = twitch.received.length;
    await timed('irc via fake', async () => {
      for (let i = 0; i < lines.length; i += 25) twitch.send(...lines.slice(i, i + 25));
      twitch.send(`PING :${'p'.repeat(10)}`);
      await twitch.waitForLine((l) => l.startsWith('PONG :pppppppppp'), sentBefore, 10_000);
      twitch.send(privmsgLine(CHANNEL, { login: 'twitchsentinel', userId: '777001' }, '!tts twitch sentinel after the corpus'));
      await waitForQueued('twitch sentinel after the corpus');
    });
    count('irc (twitch)', lines.length);
    const clientLines = twitch.received.slice(sentBefore);
    expect(clientLines.filter((l) => !/^(PONG|PING) /.test(l))).toEqual([]);
    expect(clientLines.filter((l) => /JOIN|PRIVMSG|evil|smuggled/.test(l))).toEqual([]);
    expect(twitch.connectionCount()).toBe(1);
  }, 60_000);

  it('Bilibili: the decoder answers every hostile frame with packets or a typed error, within bounds', () => {
    for (const c of BILIBILI_CASES) {
      const t0 = performance.now();
      try {
        const packets = decodePackets(c.frame);
        const inflated = packets.reduce((sum, p) => sum + p.body.length, 0);
        expect(inflated, c.name).toBeLessThanOrEqual(c.frame.length + MAX_INFLATED_BYTES_PER_FRAME);
        for (const p of packets.filter((p) => p.operation === 5)) {
          let body: unknown;
          try {
            body = JSON.parse(p.body.toString('utf8'));
          } catch {
            continue;
          }
          for (const event of toSourceEvents(body, { triggers: DEFAULT_BILIBILI_TRIGGERS, receivedAtMs: 0 })) expect(typeof event.type).toBe('string');
        }
      } catch (error) {
        if (!(error instanceof SourceError)) throw new Error(`${c.name}: ${String(error)}`);
        expect(error.code, c.name).toBe('bilibili_bad_packet');
      }
      expect(performance.now() - t0, c.name).toBeLessThan(3_000);
    }
  }, 60_000);

  it('Bilibili: the same frames through the fake server: the relay stays up and still reads danmaku', async () => {
    await timed('bilibili via fake', async () => {
      for (const c of BILIBILI_CASES) {
        bilibili.sendRaw(c.frame);
        await sleep(2);
      }
      bilibili.sendCommands([bilibiliCommands.danmaku('bilibili sentinel after the corpus', { uid: 990001, uname: 'bilisentinel' })], 'brotli');
      await waitForQueued('bilibili sentinel after the corpus');
    });
    count('bilibili packets', BILIBILI_CASES.length);
    expect(bilibili.connectionCount()).toBe(1);
  }, 60_000);

  // ---------------------------------------------------------------- Socket.IO

  it('overlay socket: wrong payloads, unknown events and acks for unknown ids are ignored and counted', async () => {
    const before = await rejectedCounts();
    const cases = overlaySocketCorpus();
    let socket: SocketIoClient | undefined;
    for (const [i, c] of cases.entries()) {
      if (i % 100 === 0) {
        socket?.close();
        socket = new SocketIoClient(relay.url, '/overlay', { key: relay.secrets.overlayKey });
        await socket.connected();
      }
      socket!.socket.emit(c.event as never, ...(c.args as never[]));
      count('socket /overlay');
    }
    await sleep(300);
    expect(socket!.socket.connected).toBe(true);
    socket!.close();
    const after = await rejectedCounts();
    const notObject = (args: unknown[]) => typeof args[0] !== 'object' || args[0] === null || Array.isArray(args[0]);
    const unknown = cases.filter((c) => UNKNOWN_EVENTS.includes(c.event)).length;
    const invalid = cases.filter((c) => !UNKNOWN_EVENTS.includes(c.event) && notObject(c.args)).length;
    const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
    expect(delta('/overlay unknown_event')).toBe(unknown);
    expect(delta('/overlay invalid_payload')).toBe(invalid);
    expect(delta('/overlay rate_limited')).toBe(0);
  });

  it('overlay socket: oversize messages, malformed and reserved-name packets, and floods end that socket only', async () => {
    const endsWith = async (name: string, act: (s: SocketIoClient) => void): Promise<void> => {
      const s = new SocketIoClient(relay.url, '/overlay', { key: relay.secrets.overlayKey });
      await s.connected();
      const gone = new Promise<string>((resolve) => s.socket.once('disconnect', resolve));
      act(s);
      const reason = await Promise.race([gone, sleep(5_000).then(() => 'still connected')]);
      s.close();
      count('socket /overlay');
      expect(reason, name).not.toBe('still connected');
    };
    await endsWith('100 KB hello', (s) => s.socket.emit('overlay:hello', { version: 'x'.repeat(100_000) }));
    await endsWith('100 KB binary', (s) => s.socket.emit('playback:end', { id: Buffer.alloc(100_000) } as never));
    for (const packet of ['2/overlay,["disconnect"]', '2/overlay,["connect"]', '2/overlay,["newListener"]', '2/overlay,[', '2/overlay,{"a":1}',
      '599-/overlay,["playback:end",{"_placeholder":true,"num":0}]', '9', '2/overlay,' + '['.repeat(10_000)]) {
      await endsWith(`raw packet ${packet.slice(0, 30)}`, (s) => s.writeRaw(packet));
    }
    // Packets that parse but name no event of ours are dropped and counted, the socket stays.
    const stays = new SocketIoClient(relay.url, '/overlay', { key: relay.secrets.overlayKey });
    await stays.connected();
    const beforeRaw = await rejectedCounts();
    for (const packet of ['2/overlay,[42]', '2/overlay,[42,{"id":"x"}]', '2/overlay,["overlay:hello","not an object"]']) stays.writeRaw(packet);
    await sleep(200);
    expect(stays.socket.connected).toBe(true);
    const afterRaw = await rejectedCounts();
    expect(afterRaw['/overlay unknown_event']! - beforeRaw['/overlay unknown_event']!).toBe(2);
    expect(afterRaw['/overlay invalid_payload']! - beforeRaw['/overlay invalid_payload']!).toBe(1);
    stays.close();
    count('socket /overlay', 3);
    const before = await rejectedCounts();
    await endsWith('flood of 5,000 events', (s) => {
      for (let i = 0; i < 5_000; i++) s.socket.emit('playback:end', { id: `flood-${i}` });
    });
    const after = await rejectedCounts();
    const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
    expect(delta('/overlay rate_limited')).toBeGreaterThanOrEqual(SOCKET_FLOOD_REJECTS_PER_S);
    expect(delta('/overlay flood_disconnect')).toBe(1);
    expect(player.connected).toBe(true);
  }, 60_000);

  it('panel socket: every command gets an ack with a clear error; unknown events too; floods are rate-limited', async () => {
    const cases = panelSocketCorpus();
    const wrong: string[] = [];
    let panel: SocketIoClient | undefined;
    for (const [i, c] of cases.entries()) {
      if (i % 30 === 0) {
        panel?.close();
        panel = new SocketIoClient(relay.url, '/panel', { token: relay.secrets.token });
        await panel.connected();
      }
      const ack = (await panel!.socket.timeout(2_000).emitWithAck(c.event as never, ...(c.args as never[])).catch((e: Error) => ({ timeout: e.message }))) as {
        ok?: boolean;
        id?: string;
        error?: { code: string; message: string };
      };
      const outcome = ack.ok === true ? 'ok' : ack.error?.message ? ack.error.code : `<bad ack ${JSON.stringify(ack).slice(0, 80)}>`;
      if (ack.ok && ack.id) accepted.add(ack.id);
      count('socket /panel');
      if (!c.expect.split('|').includes(outcome)) wrong.push(`${c.name}: got ${outcome}, expected ${c.expect}`);
    }
    panel!.close();
    expect(wrong).toEqual([]);

    // A flood of commands: the first ones are answered, the rest refused as rate_limited, all acked.
    const flood = new SocketIoClient(relay.url, '/panel', { token: relay.secrets.token });
    await flood.connected();
    const floodStarted = performance.now();
    const acks = (await Promise.all(
      Array.from({ length: 400 }, (_, i) => flood.socket.timeout(5_000).emitWithAck('queue:skip', { id: `nope-${i}` }).catch(() => ({ timeout: true }))),
    )) as { ok?: boolean; error?: { code: string } }[];
    const floodSeconds = (performance.now() - floodStarted) / 1000;
    flood.close();
    count('socket /panel');
    const codes = acks.map((a) => a.error?.code ?? 'none');
    // The panel's budget: a burst of 40 commands, then 20 per second.
    expect(codes.filter((c) => c === 'not_found').length).toBeLessThanOrEqual(40 + Math.ceil(20 * floodSeconds) + 5);
    expect(codes.filter((c) => c === 'rate_limited').length).toBeGreaterThan(300);
    expect(codes.filter((c) => c !== 'not_found' && c !== 'rate_limited')).toEqual([]);
  }, 120_000);

  it('sockets: the overlay key cannot open /panel, wrong secrets and unknown namespaces are refused', async () => {
    const { token, overlayKey } = relay.secrets;
    const attempts: [string, string, Record<string, unknown>, string][] = [
      ['overlay key on /panel', '/panel', { token: overlayKey }, 'unauthorized'],
      ['overlay key as key on /panel', '/panel', { key: overlayKey }, 'unauthorized'],
      ['no auth on /panel', '/panel', {}, 'unauthorized'],
      ['empty token', '/panel', { token: '' }, 'unauthorized'],
      ['token + space', '/panel', { token: `${token} ` }, 'unauthorized'],
      ['token in an array', '/panel', { token: [token] }, 'unauthorized'],
      ['token as an object', '/panel', { token: { toString: token } }, 'unauthorized'],
      ['10 KB token', '/panel', { token: 'x'.repeat(10_000) }, 'unauthorized'],
      ['token on /overlay', '/overlay', { key: token }, 'unauthorized'],
      ['no key on /overlay', '/overlay', {}, 'unauthorized'],
      ['key prefix on /overlay', '/overlay', { key: overlayKey.slice(0, 10) }, 'unauthorized'],
      ['unknown namespace', '/admin', { token }, 'Invalid namespace'],
    ];
    for (const [name, ns, auth, expected] of attempts) {
      const s = new SocketIoClient(relay.url, ns, auth);
      const outcome = await new Promise<string>((resolve) => {
        s.socket.once('connect', () => resolve('connected'));
        s.socket.once('connect_error', (err) => resolve(err.message));
      });
      s.close();
      count(`socket ${ns === '/admin' ? '/panel' : ns}`);
      expect(outcome, name).toBe(expected);
    }
  });

  it('security headers: CSP and nosniff on the pages, no CORS for other origins, cross-origin socket.io refused', async () => {
    for (const path of ['/overlay', '/panel']) {
      const res = await fetch(relay.url + path);
      const csp = res.headers.get('content-security-policy') ?? '';
      const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? '';
      expect(scriptSrc.split(/\s+/), path).toContain("'self'");
      expect(scriptSrc, path).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:|data:/);
      expect(csp, path).toMatch(/object-src 'none'/);
      expect(csp, path).toMatch(/base-uri 'none'/);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    const evil = { Origin: 'http://evil.example' };
    const auth = { authorization: `Bearer ${relay.secrets.token}` };
    const api = await fetch(`${relay.url}/api/queue`, { headers: { ...evil, ...auth } });
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${relay.url}/api/captions`, {
      method: 'OPTIONS',
      headers: { ...evil, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    const polling = `${relay.url}/socket.io/?EIO=4&transport=polling`;
    const crossPoll = await fetch(polling, { headers: evil });
    expect(crossPoll.status).toBe(403);
    expect(crossPoll.headers.get('access-control-allow-origin')).toBeNull();
    expect((await fetch(polling, { headers: { Origin: relay.url } })).status).toBe(200);
    expect((await fetch(polling)).status).toBe(200);
    const crossUpgrade = await rawHttp(relay.url, {
      method: 'GET',
      path: '/socket.io/?EIO=4&transport=websocket',
      headers: [['Origin', 'http://evil.example'], ['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='], ['Sec-WebSocket-Version', '13']],
    });
    // engine.io refuses every upgrade with 400 and says why.
    expect(crossUpgrade.status).toBe(400);
    expect(crossUpgrade.body).toMatch(/cross-origin/);
    count('http headers and methods', 6);
  });

  // ---------------------------------------------------------------- after the corpus

  it('after the corpus: alive, plays a normal caption, nothing accepted lost, memory bounded, no secret in any log line', async () => {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(1_000);

    await relay.post('/api/queue/resume', {});
    const health = await fetch(`${relay.url}/healthz`);
    expect(health.status).toBe(200);
    const normal = await relay.post('/api/captions', { text: 'A normal caption after the hostile corpus.', user: 'streamer' });
    expect(normal.status).toBe(202);
    const { id } = (await normal.json()) as { id: string };
    accepted.add(id);

    // Every promise kept: each 202 id reaches the history (played, or dropped/skipped with a reason).
    const history = await timed('drain', async () => {
      let entries: HistoryEntry[] = [];
      await expect
        .poll(
          async () => {
            entries = ((await (await relay.get('/api/history?limit=10000')).json()) as { items: HistoryEntry[] }).items;
            const seen = new Set(entries.map((e) => e.id));
            return [...accepted].filter((a) => !seen.has(a)).length;
          },
          { timeout: 240_000, interval: 500 },
        )
        .toBe(0);
      return entries;
    });
    const mine = history.filter((e) => accepted.has(e.id));
    const notPlayed = mine.filter((e) => e.state !== 'played').map((e) => `${e.id} ${e.state} ${e.reason ?? ''}`);
    expect(notPlayed).toEqual([]);
    expect(history.find((e) => e.id === id)?.state).toBe('played');
    expect(AckOverlay.count(player.acks, id)).toBe(1);
    // What was stored and spoken is clean text of a bounded length.
    for (const e of mine) {
      expect(e.text, e.id).not.toMatch(/[\p{Cc}\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/u);
      expect([...e.text].length, e.id).toBeLessThanOrEqual(500);
    }
    // Subtitle exports escape markup.
    const vtt = await (await relay.get('/api/history?format=vtt&limit=10000')).text();
    expect(vtt).toContain('&lt;script&gt;');
    expect(vtt).not.toMatch(/<script|<img|<svg/i);

    // Markup is spoken as text, not obeyed: an SSML break may not stretch a caption's audio.
    const ssml = mine.filter((e) => /<break time="99s"\/>/.test(e.text));
    expect(ssml.length).toBeGreaterThan(0);
    const longest = Math.max(...ssml.map((e) => e.durationMs ?? 0));
    expect(longest).toBeLessThan(10_000);

    const growth = rssAfterGc() - rssBefore;
    const heapGrowth = heapAfterGc() - heapBefore;
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(`hostile corpus: RSS growth ${mb(growth)} (bound ${mb(RSS_GROWTH_BOUND_BYTES)}), heap growth ${mb(heapGrowth)} (bound ${mb(HEAP_GROWTH_BOUND_BYTES)}), ${logs.lineCount()} log lines`);
    expect(growth).toBeLessThan(RSS_GROWTH_BOUND_BYTES);
    expect(heapGrowth).toBeLessThan(HEAP_GROWTH_BOUND_BYTES);

    expect(logs.lineCount()).toBeGreaterThan(1_000);
    expect(logs.flaggedLines()).toEqual([]);
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  }, 300_000);
});

// ---------------------------------------------------------------- helpers

/** A socket.io client that never reconnects, with a way to write raw engine.io messages. */
class SocketIoClient {
  readonly socket: Socket;
  constructor(url: string, namespace: string, auth: Record<string, unknown>) {
    this.socket = io(url + namespace, { ...relayClientOptions(auth), transports: ['websocket'], reconnection: false, forceNew: true });
  }
  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }
  /** One engine.io message with any socket.io packet text, parsed or not. */
  writeRaw(packet: string): void {
    (this.socket.io.engine as unknown as { write(msg: string): void }).write(packet);
  }
  close(): void {
    this.socket.disconnect();
  }
}

async function rejectedCounts(): Promise<Record<string, number>> {
  const text = await (await fetch(`${relay.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const ns of ['/overlay', '/panel']) {
    for (const reason of ['unknown_event', 'invalid_payload', 'rate_limited', 'flood_disconnect']) {
      const m = new RegExp(`relay_socket_events_rejected_total\\{namespace="${ns}",reason="${reason}"\\} (\\d+)`).exec(text);
      out[`${ns} ${reason}`] = Number(m?.[1] ?? 0);
    }
  }
  return out;
}

/** Resolves once a readout with exactly this text is in the queue or the history. */
async function waitForQueued(text: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const queue = ((await (await relay.get('/api/queue')).json()) as { items: { text: string }[] }).items;
        if (queue.some((i) => i.text === text)) return true;
        const history = ((await (await relay.get('/api/history?limit=10000')).json()) as { items: { text: string }[] }).items;
        return history.some((i) => i.text === text);
      },
      { timeout: 20_000, interval: 100 },
    )
    .toBe(true);
}
