import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { BehaviorSubject, Subject } from 'rxjs';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { AudioIngestMessage } from '../../server/src/core/audio-ingest.ts';
import { silentLogger } from '../../server/src/core/logger.ts';
import type { HotWordsStatus, RecognitionResult, RecognizerEngine, RecognizerSession, RecognizerStatus } from '../../server/src/core/recognizer.ts';
import type { SourceEvent } from '../../server/src/core/source.ts';
import { createAudioSource, type AudioSource, type AudioSourceOptions } from './audio-source.ts';

/** A recognizer driven by the test: it records the audio written and emits what the test tells it to. */
class ScriptedSession implements RecognizerSession {
  readonly results$ = new Subject<RecognitionResult>();
  readonly status$ = new BehaviorSubject<RecognizerStatus>({ state: 'connecting' });
  writtenBytes = 0;
  finished = false;
  constructor(readonly id: string) {}
  status = () => this.status$.value;
  usage = () => ({ audioWrittenMs: this.writtenBytes / 32, audioSentMs: this.writtenBytes / 32, audioReplayedMs: 0, audioDroppedMs: 0, tasksStarted: 1, rollovers: 0, reconnects: 0, finals: 0, duplicateFinalsSuppressed: 0 });
  write(pcm: Uint8Array): void {
    this.writtenBytes += pcm.byteLength;
    if (this.status$.value.state === 'connecting') this.status$.next({ state: 'running' });
  }
  async finish(): Promise<void> {
    this.finished = true;
    this.status$.next({ state: 'stopped' });
    this.results$.complete();
    this.status$.complete();
  }
  abort(): void {
    void this.finish();
  }
}

class ScriptedRecognizer implements RecognizerEngine {
  readonly name = 'scripted';
  readonly model = 'scripted-v1';
  readonly translateTo = ['en'];
  readonly sessions: ScriptedSession[] = [];
  open(): RecognizerSession {
    const s = new ScriptedSession(`r${this.sessions.length + 1}`);
    this.sessions.push(s);
    return s;
  }
  healthy = () => true;
  healthReason = () => undefined;
  async close(): Promise<void> {}
}

let server: Server;
let source: AudioSource;
const clients: WebSocket[] = [];

async function start(options: Partial<AudioSourceOptions> = {}): Promise<string> {
  source = createAudioSource({ token: 's3cret', logger: silentLogger, recognizer: new ScriptedRecognizer(), lang: 'zh', ...options });
  source.start();
  server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => source.upgrade!.handleUpgrade(req, socket, head));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}/ingest/audio`;
}

async function connect(url: string): Promise<{ ws: WebSocket; messages: AudioIngestMessage[] }> {
  const ws = new WebSocket(url);
  clients.push(ws);
  const messages: AudioIngestMessage[] = [];
  ws.on('message', (data, isBinary) => {
    if (!isBinary) messages.push(JSON.parse(data.toString()) as AudioIngestMessage);
  });
  await once(ws, 'open');
  return { ws, messages };
}

const until = (check: () => boolean) => expect.poll(check, { timeout: 3000, interval: 10 }).toBe(true);
const frame = () => Buffer.alloc(3200);
const recognizerOf = () => lastRecognizer;
let lastRecognizer: ScriptedRecognizer;

afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  await source?.stop();
  await new Promise((r) => server?.close(r));
});

describe('audio ingest → recognizer → subtitle lines', () => {
  it('feeds the frames to a session and turns its results into subtitle lines with words, translation and wall-clock timing', async () => {
    lastRecognizer = new ScriptedRecognizer();
    const url = await start({ recognizer: lastRecognizer });
    const events: SourceEvent[] = [];
    source.events$.subscribe((e) => events.push(e));
    const { ws, messages } = await connect(`${url}?token=s3cret`);
    for (let i = 0; i < 10; i++) ws.send(frame());
    await until(() => recognizerOf().sessions[0]?.writtenBytes === 32_000);
    const session = recognizerOf().sessions[0]!;
    session.results$.next({ kind: 'partial', sentenceId: 's1', text: '大家', startMs: 200, endMs: 600, words: [], translations: [] });
    session.results$.next({
      kind: 'final',
      sentenceId: 's1',
      text: '大家好。',
      startMs: 200,
      endMs: 900,
      words: [
        { text: '大家', punctuation: '', startMs: 200, endMs: 500 },
        { text: '好', punctuation: '。', startMs: 500, endMs: 900 },
      ],
      translations: [{ lang: 'en', text: 'Hello everyone.' }],
    });
    await until(() => events.length === 2);
    expect(events[0]).toMatchObject({ type: 'subtitle', source: 'speech', messageId: `speech-r1-s1`, text: '大家', final: false, lang: 'zh' });
    expect(events[1]).toMatchObject({
      type: 'subtitle',
      messageId: 'speech-r1-s1',
      text: '大家好。',
      final: true,
      durationMs: 700,
      words: [
        { text: '大家', startMs: 0, endMs: 300 },
        { text: '好。', startMs: 300, endMs: 700 },
      ],
      translation: { lang: 'en', text: 'Hello everyone.' },
    });
    const { startedAtMs } = events[1] as { startedAtMs: number };
    expect(Math.abs(startedAtMs - Date.now())).toBeLessThan(5000);
    await until(() => messages.some((m) => m.type === 'line' && m.final));
    expect(messages.filter((m) => m.type === 'line').map((m) => m.type === 'line' && [m.text, m.final, m.translation?.text])).toEqual([
      ['大家', false, undefined],
      ['大家好。', true, 'Hello everyone.'],
    ]);
    expect(messages.filter((m) => m.type === 'state').map((m) => m.type === 'state' && m.state)).toEqual(['idle', 'connecting', 'running']);
    expect(source.recognition()).toMatchObject({ state: 'running', engine: 'scripted', model: 'scripted-v1', translateTo: ['en'], feeds: 1, audioSentMs: 1000 });
    expect(source.recognition().finalLatencyMs).toBeGreaterThanOrEqual(0);
  });

  it('finishes the session when the feed closes, and a new feed replaces the old one', async () => {
    lastRecognizer = new ScriptedRecognizer();
    const url = await start({ recognizer: lastRecognizer });
    const first = await connect(`${url}?token=s3cret`);
    first.ws.send(frame());
    await until(() => recognizerOf().sessions.length === 1);
    const second = await connect(`${url}?token=s3cret`);
    await once(first.ws, 'close');
    expect(first.messages.some((m) => m.type === 'error' && m.error.code === 'replaced')).toBe(true);
    await until(() => recognizerOf().sessions[0]!.finished);
    second.ws.send(frame());
    await until(() => recognizerOf().sessions.length === 2);
    second.ws.close();
    await until(() => recognizerOf().sessions[1]!.finished);
    expect(source.recognition()).toMatchObject({ state: 'idle', feeds: 0, audioSentMs: 200 });
  });

  it('answers bad frames with an error message and keeps the feed open', async () => {
    lastRecognizer = new ScriptedRecognizer();
    const url = await start({ recognizer: lastRecognizer });
    const { ws, messages } = await connect(`${url}?token=s3cret`);
    ws.send('{"text":"hello"}');
    ws.send(Buffer.alloc(3));
    await until(() => messages.filter((m) => m.type === 'error').length === 2);
    expect(messages.filter((m) => m.type === 'error').map((m) => m.type === 'error' && m.error.code)).toEqual(['text_frame', 'invalid_frame']);
    expect(recognizerOf().sessions).toHaveLength(0);
    ws.send(frame());
    await until(() => recognizerOf().sessions.length === 1);
  });

  it('refuses a wrong token with 401, and every feed with 503 when recognition is off', async () => {
    const url = await start();
    const wrong = new WebSocket(`${url}?token=nope`);
    expect(((await once(wrong, 'unexpected-response')) as [unknown, { statusCode: number }])[1].statusCode).toBe(401);
    await source.stop();
    await new Promise((r) => server.close(r));
    const offUrl = await start({ recognizer: undefined });
    const off = new WebSocket(`${offUrl}?token=s3cret`);
    const [, res] = (await once(off, 'unexpected-response')) as [unknown, { statusCode: number } & NodeJS.ReadableStream];
    expect(res.statusCode).toBe(503);
    let body = '';
    for await (const chunk of res) body += chunk;
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'recognition_off' } });
    expect(source.recognition()).toMatchObject({ state: 'off', feeds: 0 });
  });

  it('reports the hot words and why they are not in use (without blocking recognition)', async () => {
    const recognizer = new ScriptedRecognizer();
    const hotWords: HotWordsStatus = { source: 'file', words: 2, state: 'failed', error: 'vocabulary_quota: the quota is used up' };
    await start({ recognizer: Object.assign(recognizer, { hotWords: () => hotWords }) });
    expect(source.recognition()).toMatchObject({ state: 'idle', hotWords, lastError: hotWords.error });
  });
});
