import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type FakeAsrServer, startFakeAsrServer } from './fake-asr-server.ts';
import { scriptedSentence, speechFrame } from './speech-audio.ts';

let fake: FakeAsrServer;
afterEach(() => fake?.close());

type Event = { event: string; code?: string; payload: Record<string, unknown> };

async function client(key = fake.apiKey) {
  const ws = new WebSocket(fake.url, { headers: { Authorization: `Bearer ${key}` } });
  const events: Event[] = [];
  ws.on('message', (data) => {
    const { header, payload } = JSON.parse(data.toString());
    events.push({ event: header.event, code: header.error_code, payload });
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const runTask = (parameters: object = { format: 'pcm', sample_rate: 16000 }, task = 'asr', model = 'paraformer-realtime-v2') =>
    ws.send(JSON.stringify({ header: { action: 'run-task', task_id: 't1', streaming: 'duplex' }, payload: { task_group: 'audio', task, function: 'recognition', model, parameters, input: {} } }));
  const finishTask = () => ws.send(JSON.stringify({ header: { action: 'finish-task', task_id: 't1', streaming: 'duplex' }, payload: { input: {} } }));
  const until = async (event: string) => {
    while (!events.some((e) => e.event === event)) await new Promise((resolve) => setTimeout(resolve, 5));
    return events.find((e) => e.event === event)!;
  };
  return { ws, events, runTask, finishTask, until };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fake DashScope ASR server', () => {
  it('refuses a wrong key at the upgrade with 401', async () => {
    fake = await startFakeAsrServer();
    await expect(client('nope')).rejects.toThrow('HTTP 401');
  });

  it('refuses a run-task that is not an ASR recognition task, an unknown model, another sample rate', async () => {
    fake = await startFakeAsrServer();
    const c = await client();
    c.runTask(undefined, 'tts');
    expect(await c.until('task-failed')).toMatchObject({ code: 'InvalidParameter' });
    c.events.length = 0;
    c.runTask(undefined, 'asr', 'paraformer-v9');
    expect(await c.until('task-failed')).toMatchObject({ code: 'ModelNotFound' });
    c.events.length = 0;
    c.runTask({ format: 'pcm', sample_rate: 8000 });
    expect(await c.until('task-failed')).toMatchObject({ code: 'InvalidParameter' });
  });

  it('answers scripted speech with partials and a final with word times on the task clock', async () => {
    fake = await startFakeAsrServer({ script: [scriptedSentence(200, ['你好', '世界'])], timeScale: 10 });
    const c = await client();
    c.runTask();
    await c.until('task-started');
    for (let i = 0; i < 14; i++) {
      c.ws.send(speechFrame(i));
      await pause(10);
    }
    c.finishTask();
    await c.until('task-finished');
    const results = c.events.filter((e) => e.event === 'result-generated').map((e) => (e.payload.output as { sentence: Record<string, unknown> }).sentence);
    expect(results.map((s) => [s.text, s.sentence_end])).toEqual([['你好', false], ['你好世界。', false], ['你好世界。', true]]);
    expect(results.at(-1)).toMatchObject({ begin_time: 200, end_time: 800, words: [{ begin_time: 200, end_time: 500, text: '你好', punctuation: '' }, { begin_time: 500, end_time: 800, text: '世界', punctuation: '。' }] });
    expect(fake.stats.pacing).toEqual([]);
  });

  it('flags audio before task-started, frames of the wrong size, and audio sent too fast or too slow', async () => {
    fake = await startFakeAsrServer({ timeScale: 10, maxLeadMs: 1000, maxGapMs: 500 });
    const c = await client();
    c.runTask();
    c.ws.send(speechFrame(0)); // before task-started arrived
    await c.until('task-started');
    c.ws.send(new Uint8Array(1000)); // short, and not the last
    c.ws.send(speechFrame(1));
    for (let i = 2; i < 30; i++) c.ws.send(speechFrame(i)); // 2.8 s at once
    await pause(120); // 1.2 s of scaled silence
    c.ws.send(speechFrame(30));
    await pause(20);
    expect(fake.stats.pacing.map((f) => f.kind)).toEqual(['audio-before-task-started', 'frame-size', 'too-fast', 'too-slow']);
  });

  it('ends a task that gets no audio with RequestTimeOut', async () => {
    fake = await startFakeAsrServer({ idleTimeoutMs: 50 });
    const c = await client();
    c.runTask();
    expect(await c.until('task-failed')).toMatchObject({ code: 'RequestTimeOut' });
  });
});

/** 100 ms of a 440 Hz tone at −12 dBFS (voiced) or of silence. */
function toneFrame(voiced: boolean): Uint8Array {
  const frame = new Uint8Array(3200);
  const view = new DataView(frame.buffer);
  for (let i = 0; i < 1600; i++) view.setInt16(i * 2, voiced ? Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000)) : 0, true);
  return frame;
}

describe('fake DashScope ASR server following a real voice', () => {
  it('hears each voiced run as the next scripted sentence; a task cut mid-sentence leaves it for the next task', async () => {
    fake = await startFakeAsrServer({ followVoice: true, timeScale: 10, script: [scriptedSentence(0, ['大家', '好'], { en: 'Hi all' }), scriptedSentence(0, ['欢迎', '来到', '直播间'])] });
    const sentences = async (frames: boolean[], finish: boolean) => {
      const c = await client();
      c.runTask();
      await c.until('task-started');
      for (const voiced of frames) {
        c.ws.send(toneFrame(voiced));
        await pause(10);
      }
      if (!finish) return c.ws.terminate();
      c.finishTask();
      await c.until('task-finished');
      return c.events.filter((e) => e.event === 'result-generated').map((e) => (e.payload.output as { sentence: { text: string; sentence_end: boolean; begin_time: number; end_time: number | null } }).sentence);
    };
    const first = (await sentences([false, ...Array<boolean>(8).fill(true), ...Array<boolean>(6).fill(false)], true))!;
    expect(first.map((s) => [s.text, s.sentence_end])).toEqual([['大家', false], ['大家好。', false], ['大家好。', true]]);
    expect(first.at(-1)).toMatchObject({ begin_time: 100, end_time: 900 });
    await sentences([...Array<boolean>(4).fill(true)], false); // dropped mid-sentence: no final
    const again = (await sentences([...Array<boolean>(10).fill(true), ...Array<boolean>(6).fill(false)], true))!;
    expect(again.filter((s) => s.sentence_end).map((s) => s.text)).toEqual(['欢迎来到直播间。']);
  });
});
