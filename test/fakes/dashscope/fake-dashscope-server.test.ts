/** The fake DashScope server is strict where the real one is: checked with a raw WebSocket client. */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type FakeDashScope, type FakeDashScopeOptions, startFakeDashScope } from './fake-dashscope-server.ts';

interface Frame {
  event?: string;
  type?: string;
  code?: string;
  message?: string;
  words?: unknown[];
  binary?: number;
}

class RawClient {
  readonly frames: Frame[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return void this.frames.push({ binary: data.length });
      const { header, payload } = JSON.parse(data.toString());
      this.frames.push({
        event: header.event,
        type: payload?.output?.type,
        code: header.error_code,
        message: header.error_message,
        words: payload?.output?.sentence?.words,
      });
    });
  }

  static open(fake: FakeDashScope, key = fake.apiKey): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(fake.url, { headers: { Authorization: `Bearer ${key}` } });
      ws.once('open', () => resolve(new RawClient(ws)));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => reject(Object.assign(new Error(body), { status: res.statusCode })));
      });
    });
  }

  send(action: string, taskId: string, payload: object): void {
    this.ws.send(JSON.stringify({ header: { action, task_id: taskId, streaming: 'duplex' }, payload }));
  }

  runTask(taskId: string, parameters: object = {}): void {
    this.send('run-task', taskId, {
      task_group: 'audio',
      task: 'tts',
      function: 'SpeechSynthesizer',
      model: 'cosyvoice-v2',
      parameters: { text_type: 'PlainText', voice: 'longxiaochun_v2', format: 'pcm', sample_rate: 16000, ...parameters },
      input: {},
    });
  }

  async next(predicate: (f: Frame) => boolean, timeoutMs = 1000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.find(predicate);
      if (frame) return frame;
      if (Date.now() > deadline) throw new Error(`no matching frame in ${JSON.stringify(this.frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

const event = (name: string) => (f: Frame) => f.event === name;

describe('fake DashScope server', () => {
  let fake: FakeDashScope;
  const clients: RawClient[] = [];
  const start = async (options: FakeDashScopeOptions = {}) => {
    fake = await startFakeDashScope(options);
  };
  const open = async () => {
    const client = await RawClient.open(fake);
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await fake?.close();
  });

  it('refuses the upgrade without the right bearer key: HTTP 401 InvalidApiKey', async () => {
    await start();
    await expect(RawClient.open(fake, 'nope')).rejects.toMatchObject({ status: 401, message: expect.stringContaining('InvalidApiKey') });
  });

  it('streams a task: task-started, interleaved sentence events and PCM, word timings, task-finished', async () => {
    await start();
    const client = await open();
    client.runTask('t1', { word_timestamp_enabled: true });
    await client.next(event('task-started'));
    client.send('continue-task', 't1', { input: { text: '你好。' } });
    client.send('finish-task', 't1', { input: {} });
    await client.next(event('task-finished'));
    const kinds = client.frames.map((f) => (f.binary ? 'pcm' : (f.type ?? f.event)));
    expect(kinds[0]).toBe('task-started');
    expect(kinds[1]).toBe('sentence-begin');
    expect(kinds.slice(2, 6)).toEqual(['sentence-synthesis', 'pcm', 'sentence-synthesis', 'pcm']);
    expect(kinds.at(-2)).toBe('sentence-end');
    expect(client.frames.find((f) => f.type === 'sentence-end')!.words).toHaveLength(2);
  });

  it('omits word timings unless word_timestamp_enabled', async () => {
    await start();
    const client = await open();
    client.runTask('t1');
    await client.next(event('task-started'));
    client.send('continue-task', 't1', { input: { text: '你好。' } });
    expect((await client.next((f) => f.type === 'sentence-end')).words).toEqual([]);
  });

  it.each([
    ['a missing model', { model: undefined }, /payload.model/],
    ['a wrong sample rate', { parameters: { text_type: 'PlainText', voice: 'v', format: 'pcm', sample_rate: 12345 } }, /sample_rate/],
  ])('refuses run-task with %s', async (_what, override, message) => {
    await start();
    const client = await open();
    client.send('run-task', 't1', { task_group: 'audio', task: 'tts', function: 'SpeechSynthesizer', model: 'cosyvoice-v2', parameters: {}, input: {}, ...override });
    expect(await client.next(event('task-failed'))).toMatchObject({ code: 'InvalidParameter', message: expect.stringMatching(message) });
  });

  it('refuses continue-task before task-started', async () => {
    await start();
    fake.injectTaskFault({ kind: 'stall-before-task-started', ms: 200 });
    const client = await open();
    client.runTask('t1');
    client.send('continue-task', 't1', { input: { text: '你好。' } });
    expect(await client.next(event('task-failed'))).toMatchObject({ code: 'InvalidParameter', message: expect.stringMatching(/before task-started/) });
  });

  it('enforces the per-message and per-task text limits (Chinese characters count twice)', async () => {
    await start({ maxCharsPerMessage: 10, maxCharsPerTask: 16 });
    const client = await open();
    client.runTask('t1');
    await client.next(event('task-started'));
    client.send('continue-task', 't1', { input: { text: '一二三四五六' } });
    expect(await client.next(event('task-failed'))).toMatchObject({ message: expect.stringMatching(/10 characters in one continue-task/) });
    const second = await open();
    second.runTask('t2');
    await second.next(event('task-started'));
    for (const text of ['一二三四', '一二三四', '一']) second.send('continue-task', 't2', { input: { text } });
    expect(await second.next(event('task-failed'))).toMatchObject({ message: expect.stringMatching(/16 characters in one task/) });
  });

  it('fails a task that gets no text within the idle timeout, and closes idle connections', async () => {
    await start({ idleTimeoutMs: 100 });
    const client = await open();
    client.runTask('t1');
    const closed = new Promise((resolve) => client.ws.once('close', resolve));
    expect(await client.next(event('task-failed'))).toMatchObject({ code: 'RequestTimeOut', message: expect.stringMatching(/request timeout after/) });
    await closed;
    expect(fake.stats.idleClosedByServer).toBe(1);
  });

  it('drops the socket right after timing a task out, as DashScope does', async () => {
    await start({ idleTimeoutMs: 100 });
    const client = await open();
    client.runTask('t1');
    await client.next(event('task-started'));
    const startedMs = Date.now();
    await new Promise((resolve) => client.ws.once('close', resolve));
    expect(Date.now() - startedMs).toBeLessThan(100 + 400);
    expect(client.frames.at(-1)).toMatchObject({ event: 'task-failed', code: 'RequestTimeOut' });
    expect(fake.stats.events.map((e) => e.type)).toContain('server-close');
  });

  it('refuses empty text, and finishing a task that got no text: "text is null" (an unused task cannot end cleanly)', async () => {
    await start();
    const client = await open();
    client.runTask('t1');
    await client.next(event('task-started'));
    client.send('finish-task', 't1', { input: {} });
    expect(await client.next(event('task-failed'))).toMatchObject({ code: 'InvalidParameter', message: 'Parameter invalid: text is null' });
    const second = await open();
    second.runTask('t2');
    await second.next(event('task-started'));
    second.send('continue-task', 't2', { input: { text: '' } });
    expect(await second.next(event('task-failed'))).toMatchObject({ code: 'InvalidParameter', message: 'Parameter invalid: text is null' });
    expect(fake.stats.tasksFinished).toBe(0);
  });

  it('counts a connection whose task got no text yet as idle (dropIdleConnections), and frees the slot when it closes', async () => {
    await start({ maxConcurrency: 2 });
    const [busy, idle] = [await open(), await open()];
    busy.runTask('t1');
    await busy.next(event('task-started'));
    busy.send('continue-task', 't1', { input: { text: '你好。' } });
    await busy.next((f) => f.type === 'sentence-begin');
    idle.runTask('t2');
    await idle.next(event('task-started'));
    expect(fake.stats.activeTasks).toBe(2);
    expect(fake.dropIdleConnections()).toBe(1);
    for (let waitedMs = 0; fake.stats.activeTasks > 1 && waitedMs < 1000; waitedMs += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fake.stats.activeTasks).toBe(1);
    expect(fake.stats.clientClosedDuringTask).toBe(1);
    expect(busy.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers over-quota submissions and concurrency with the real throttling errors', async () => {
    await start({ tasksPerS: 2, maxConcurrency: 1 });
    const [a, b, c] = [await open(), await open(), await open()];
    a.runTask('t1');
    await a.next(event('task-started'));
    b.runTask('t2');
    expect(await b.next(event('task-failed'))).toMatchObject({ code: 'Throttling', message: 'Requests throttling triggered.' });
    c.runTask('t3');
    expect(await c.next(event('task-failed'))).toMatchObject({
      code: 'Throttling.RateQuota',
      message: 'Requests rate limit exceeded, please try again later.',
    });
  });

  it('answers an unknown voice for the model with InvalidParameter 418', async () => {
    await start();
    const client = await open();
    client.runTask('t1', { voice: 'longxiaochun' });
    expect(await client.next(event('task-failed'))).toMatchObject({ code: 'InvalidParameter', message: expect.stringMatching(/418/) });
  });
});
