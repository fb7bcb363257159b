import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { firstValueFrom, take, toArray } from 'rxjs';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../server/src/core/logger.ts';
import type { CaptionSource, SubtitleLine } from '../../server/src/core/source.ts';
import { ASR_INGEST_PATH, createAsrSource, FLOOD_LINES_PER_S_BEFORE_CLOSE, type AsrSourceOptions } from './asr-source.ts';

let server: Server;
let ingest: CaptionSource;
const clients: WebSocket[] = [];

/** Serves the source's upgrades the way the gateway does: by exact path, anything else refused. */
async function startIngest(options: Partial<AsrSourceOptions> = {}): Promise<string> {
  ingest = createAsrSource({ token: 's3cret', logger: silentLogger, ...options });
  ingest.start();
  server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    const { upgrade } = ingest;
    if (upgrade && new URL(req.url ?? '/', 'http://test.invalid').pathname === upgrade.path) upgrade.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return `ws://127.0.0.1:${port}`;
}

async function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, { headers });
  clients.push(ws);
  await once(ws, 'open');
  return ws;
}

function nextReply(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
}

afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  await ingest?.stop();
  await new Promise((r) => server?.close(r));
});

describe('ASR ingest', () => {
  it('refuses a missing or wrong token with 401 on upgrade', async () => {
    const base = await startIngest();
    for (const url of [`${base}/ingest/asr`, `${base}/ingest/asr?token=wrong`]) {
      const ws = new WebSocket(url);
      const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
      expect(res.statusCode).toBe(401);
    }
    expect(ingest.status().connected).toBe(false);
  });

  it('accepts the token as a query parameter or a bearer header', async () => {
    const base = await startIngest();
    await connect(`${base}/ingest/asr?token=s3cret`);
    await connect(`${base}/ingest/asr`, { Authorization: 'Bearer s3cret' });
    expect(ingest.status().connected).toBe(true);
  });

  it('takes upgrades on /ingest/asr only', () => {
    const source = createAsrSource({ token: 's3cret', logger: silentLogger });
    expect(source.upgrade?.path).toBe(ASR_INGEST_PATH);
    expect(ASR_INGEST_PATH).toBe('/ingest/asr');
  });

  it('stop closes the connected feeds and refuses new ones with 503 until start', async () => {
    const base = await startIngest();
    const feed = await connect(`${base}/ingest/asr?token=s3cret`);
    const closed = once(feed, 'close');
    await ingest.stop();
    await closed;
    expect(ingest.status().connected).toBe(false);
    const refused = new WebSocket(`${base}/ingest/asr?token=s3cret`);
    const [, res] = (await once(refused, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(503);
    ingest.start();
    await connect(`${base}/ingest/asr?token=s3cret`);
  });

  it('turns partials and finals into subtitle lines, one messageId per sentence, and voices nothing', async () => {
    const base = await startIngest();
    const ws = await connect(`${base}/ingest/asr?token=s3cret`);
    const events = firstValueFrom(ingest.events$.pipe(take(4), toArray()));
    ws.send('{"text":"大家","final":false,"lang":"zh"}\n{"text":"大家好","final":false,"lang":"zh"}');
    ws.send('{"text":"大家好。","final":true,"lang":"zh"}');
    ws.send('{"text":"next","final":false}');
    const [p1, p2, final, p3] = (await events) as SubtitleLine[];
    expect(p1).toMatchObject({ type: 'subtitle', source: 'asr', text: '大家', final: false, lang: 'zh' });
    expect(p2).toMatchObject({ type: 'subtitle', text: '大家好', final: false, messageId: p1!.messageId });
    expect(final).toMatchObject({ type: 'subtitle', source: 'asr', text: '大家好。', final: true, lang: 'zh', messageId: p1!.messageId });
    expect(p3).toMatchObject({ type: 'subtitle', text: 'next', final: false });
    expect(p3!.messageId).not.toBe(p1!.messageId);
    expect(ingest.status().messagesPerMin).toBe(4);
  });

  it('also voices finals as chat captions when voiceFinals is on', async () => {
    const base = await startIngest({ voiceFinals: true, user: 'Host' });
    const ws = await connect(`${base}/ingest/asr?token=s3cret`);
    const events = firstValueFrom(ingest.events$.pipe(take(2), toArray()));
    ws.send('{"text":"hello","final":true}');
    const [line, caption] = await events;
    expect(line).toMatchObject({ type: 'subtitle', text: 'hello', final: true });
    expect(caption).toMatchObject({
      type: 'caption',
      kind: 'chat',
      text: 'hello',
      user: 'Host',
      roles: ['broadcaster', 'viewer'],
      source: 'asr',
      messageId: (line as SubtitleLine).messageId,
    });
    expect(ingest.status().messagesPerMin).toBe(1);
  });

  it('answers malformed lines with an error, logs, and keeps the connection and the ingest alive', async () => {
    const warnings: unknown[] = [];
    const logger: Logger = { ...silentLogger, warn: (...args: unknown[]) => void warnings.push(args), child: () => logger };
    const base = await startIngest({ logger, maxLineBytes: 64 });
    const ws = await connect(`${base}/ingest/asr?token=s3cret`);
    const cases: [string | Buffer, string][] = [
      ['{oops', 'invalid_json'],
      ['{"text":5,"final":true}', 'invalid_line'],
      [JSON.stringify({ text: 'x'.repeat(100), final: true }), 'line_too_long'],
      [Buffer.from([1, 2, 3]), 'binary_frame'],
    ];
    for (const [line, code] of cases) {
      const reply = nextReply(ws);
      ws.send(line);
      await expect(reply).resolves.toEqual({ error: { code, message: expect.any(String) } });
    }
    expect(warnings).toHaveLength(4);
    const event = firstValueFrom(ingest.events$);
    ws.send('{"text":"still here","final":true}');
    await expect(event).resolves.toMatchObject({ text: 'still here' });
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a connection that sends an oversized frame (1009) and keeps serving others', async () => {
    const base = await startIngest({ maxLineBytes: 32 });
    const flooder = await connect(`${base}/ingest/asr?token=s3cret`);
    const steady = await connect(`${base}/ingest/asr?token=s3cret`);
    const closed = once(flooder, 'close');
    flooder.send('x'.repeat(32 * 16 + 1));
    const [code] = (await closed) as [number];
    expect(code).toBe(1009);
    const event = firstValueFrom(ingest.events$);
    steady.send('{"text":"ok","final":true}');
    await expect(event).resolves.toMatchObject({ text: 'ok' });
  });

  it('rate-limits each connection and says so once', async () => {
    let now = 0;
    const base = await startIngest({ linesPerSecond: 1, burstLines: 2, nowMs: () => now });
    const ws = await connect(`${base}/ingest/asr?token=s3cret`);
    const received: unknown[] = [];
    const sub = ingest.events$.subscribe((e) => received.push(e));
    const reply = nextReply(ws);
    ws.send(Array.from({ length: 5 }, (_, i) => JSON.stringify({ text: `p${i}`, final: false })).join('\n'));
    await expect(reply).resolves.toMatchObject({ error: { code: 'rate_limited' } });
    expect(received).toHaveLength(2);
    now = 1_000;
    const after = firstValueFrom(ingest.events$);
    ws.send('{"text":"later","final":false}');
    await expect(after).resolves.toMatchObject({ text: 'later' });
    sub.unsubscribe();
  });

  it('refuses a page of another origin even with the token (403), accepts no Origin or the same host', async () => {
    const base = await startIngest();
    const ws = new WebSocket(`${base}/ingest/asr?token=s3cret`, { headers: { Origin: 'http://evil.example' } });
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(403);
    await connect(`${base}/ingest/asr?token=s3cret`, { Origin: base.replace('ws:', 'http:') });
  });

  it('closes a feed with 1008 when it floods far past its budget within a second', async () => {
    const base = await startIngest({ linesPerSecond: 1, burstLines: 1 });
    const ws = await connect(`${base}/ingest/asr?token=s3cret`);
    const closed = once(ws, 'close');
    const frame = Array.from({ length: 16 }, () => '{"text":"x","final":false}').join('\n');
    for (let i = 0; i < Math.ceil(FLOOD_LINES_PER_S_BEFORE_CLOSE / 16) + 1; i++) ws.send(frame);
    const [code] = (await closed) as [number];
    expect(code).toBe(1008);
    expect(ingest.status().lastError).toMatch(/flood/);
  });

  it('shows partials as display-safe text: no control or bidi override characters', async () => {
    const base = await startIngest();
    const ws = await connect(`${base}/ingest/asr?token=s3cret`);
    const event = firstValueFrom(ingest.events$);
    ws.send(JSON.stringify({ text: '\u202Eevil\u0000 \r\n line', final: false }));
    await expect(event).resolves.toMatchObject({ type: 'subtitle', text: 'evil line' });
  });
});
