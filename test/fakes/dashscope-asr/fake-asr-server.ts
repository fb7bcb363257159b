/**
 * A fake DashScope real-time ASR server on 127.0.0.1 (port 0), speaking the duplex protocol
 * strictly: Authorization header (401 InvalidApiKey), run-task fields (`task_group: "audio"`,
 * `task: "asr"`, `function: "recognition"`, a known model, `format: "pcm"`, `sample_rate`),
 * task-started before audio, binary frames only inside a task, finish-task → last finals →
 * task-finished, the idle timeout, the task quota (Throttling.RateQuota) — and on demand its
 * failures: task-failed, a drop mid-stream, throttling, a refused handshake. The hot-word
 * vocabulary API answers on the same host (`fake-vocabulary-api.ts`). Recognition
 * follows scripted speech (`speech-audio.ts`); audio frames are checked for size and pacing.
 *
 * PROTOCOLS: event and field shapes as cited in plugin/asr-dashscope/protocol.ts; the error
 * codes and messages are DashScope's common ones, as the CosyVoice fake sends them
 * (test/fakes/dashscope: InvalidApiKey, Throttling.RateQuota "Requests rate limit exceeded,
 * please try again later.", RequestTimeOut "request timeout after 23 seconds.", ModelNotFound).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { DASHSCOPE_PATH, handshakeRefusal, type HandshakeRefusal, isObject, type Json, need, Refused, refuseUpgrade } from '../dashscope/duplex-fake-kit.ts';
import { FaultQueue } from '../dashscope/faults.ts';
import { type AsrRunTask, FakeAsrTask, type FakeAsrTaskSettings, type PacingFlag } from './fake-asr-task.ts';
import { CUSTOMIZATION_PATH, createFakeVocabularyApi, type FakeVocabularyApi } from './fake-vocabulary-api.ts';
import type { ScriptedSentence } from './speech-audio.ts';

export const FAKE_ASR_MODELS = ['paraformer-realtime-v2', 'paraformer-realtime-v1', 'fun-asr-realtime', 'gummy-realtime-v1'];

export type AsrTaskFault =
  /** task-failed after this many audio frames of the task (0: answer run-task with it). */
  | { kind: 'task-failed'; code: string; message: string; afterFrames: number }
  /** Cut the TCP connection (no close frame) after this many audio frames. */
  | { kind: 'drop-after-frames'; frames: number }
  /** Answer run-task with the real rate-limit error. */
  | { kind: 'rate-limit' }
  /** Hold task-started back this long. */
  | { kind: 'stall-before-task-started'; ms: number };

export interface FakeAsrOptions extends Partial<Omit<FakeAsrTaskSettings, 'script'>> {
  apiKey?: string;
  script?: readonly ScriptedSentence[];
  /** Task submissions accepted per rate window. */
  tasksPerWindow?: number;
  rateWindowMs?: number;
  maxConcurrency?: number;
  expectedSampleRateHz?: number;
  /** run-task → task-started, ms (default 5). */
  taskStartMs?: number;
  /** Follow real audio (a microphone) by its voice instead of indexed test frames. */
  followVoice?: boolean;
}

export interface FakeAsrStats {
  connectionsAccepted: number;
  handshakesRejected: number;
  runTasks: number;
  tasksStarted: number;
  tasksFinished: number;
  tasksFailed: Record<string, number>;
  activeTasks: number;
  maxActiveTasks: number;
  framesReceived: number;
  /** Source frame indices received, and how often (replays count twice). */
  sourceFrames: Map<number, number>;
  pacing: (PacingFlag & { taskId: string })[];
}

export interface FakeAsrServer {
  readonly url: string;
  readonly apiKey: string;
  readonly stats: FakeAsrStats;
  readonly runTaskLog: AsrRunTask[];
  /** The hot-word vocabulary API on the same host (`vocabularyUrl`). */
  readonly vocabularyApi: FakeVocabularyApi;
  readonly vocabularyUrl: string;
  /** Every server event sent, as JSON (for assertions on payloads), with when it was sent (Date.now()). */
  readonly sent: { taskId: string; event: string; payload: Record<string, unknown>; atMs: number }[];
  script: readonly ScriptedSentence[];
  injectTaskFault(fault: AsrTaskFault, times?: number): void;
  rejectHandshakes(status: number, times?: number): void;
  /** Cut every connection now (a network drop). */
  dropAll(): number;
  close(): Promise<void>;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

function parseRunTask(taskId: string, payload: Json): AsrRunTask {
  need(payload.task_group === 'audio', 'payload.task_group must be "audio"');
  need(payload.task === 'asr', 'payload.task must be "asr"');
  need(payload.function === 'recognition', 'payload.function must be "recognition"');
  need(typeof payload.model === 'string' && payload.model, 'payload.model is required');
  need(isObject(payload.input), 'payload.input must be an object');
  const p = payload.parameters;
  need(isObject(p), 'payload.parameters is required');
  need(typeof p.format === 'string', 'parameters.format is required');
  need(typeof p.sample_rate === 'number' && Number.isInteger(p.sample_rate), 'parameters.sample_rate is required');
  need(p.language_hints === undefined || strings(p.language_hints), 'parameters.language_hints must be an array of strings');
  need(p.translation_target_languages === undefined || strings(p.translation_target_languages), 'parameters.translation_target_languages must be an array of strings');
  need(p.vocabulary_id === undefined || typeof p.vocabulary_id === 'string', 'parameters.vocabulary_id must be a string');
  return {
    taskId,
    model: payload.model,
    format: p.format,
    sampleRateHz: p.sample_rate,
    languageHints: strings(p.language_hints) ?? [],
    ...(typeof p.vocabulary_id === 'string' ? { vocabularyId: p.vocabulary_id } : {}),
    heartbeat: p.heartbeat === true,
    transcriptionEnabled: p.transcription_enabled !== false,
    translationEnabled: p.translation_enabled === true,
    translateTo: strings(p.translation_target_languages) ?? [],
  };
}

interface Connection {
  ws: WebSocket;
  task?: FakeAsrTask;
}

export async function startFakeAsrServer(options: FakeAsrOptions = {}): Promise<FakeAsrServer> {
  const apiKey = options.apiKey ?? 'test-key';
  const settings = {
    vadSilenceMs: options.vadSilenceMs ?? 500,
    timeScale: options.timeScale ?? 1,
    maxLeadMs: options.maxLeadMs ?? 10_000,
    maxGapMs: options.maxGapMs ?? 1_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 23_000,
    lateTranslations: options.lateTranslations ?? false,
    finalEndEarlyMs: options.finalEndEarlyMs ?? 0,
    ...(options.followVoice ? { voice: { nextSentence: 0 } } : {}),
  };
  const stats: FakeAsrStats = {
    connectionsAccepted: 0,
    handshakesRejected: 0,
    runTasks: 0,
    tasksStarted: 0,
    tasksFinished: 0,
    tasksFailed: {},
    activeTasks: 0,
    maxActiveTasks: 0,
    framesReceived: 0,
    sourceFrames: new Map(),
    pacing: [],
  };
  const runTaskLog: AsrRunTask[] = [];
  const sent: FakeAsrServer['sent'] = [];
  const faults = new FaultQueue<AsrTaskFault>();
  /** The mid-stream faults each task took when it started. */
  const taskFaults = new WeakMap<FakeAsrTask, { failure?: Extract<AsrTaskFault, { kind: 'task-failed' }>; drop?: Extract<AsrTaskFault, { kind: 'drop-after-frames' }> }>();
  let handshakeRejections: { status: number; left: number } | undefined;
  const connections = new Set<Connection>();
  const acceptedAtMs: number[] = [];
  const server: Pick<FakeAsrServer, 'script'> = { script: options.script ?? [] };

  const vocabularyApi = createFakeVocabularyApi(apiKey, FAKE_ASR_MODELS);
  const http = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://x').pathname === CUSTOMIZATION_PATH) return vocabularyApi.handle(req, res);
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  function refuseHandshake(socket: Socket, refusal: HandshakeRefusal): void {
    refuseUpgrade(socket, refusal);
    stats.handshakesRejected += 1;
  }

  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => {});
    const refusal = handshakeRefusal(req, apiKey);
    if (refusal) return refuseHandshake(socket, refusal);
    if (handshakeRejections && handshakeRejections.left > 0) {
      handshakeRejections.left -= 1;
      return refuseHandshake(socket, { status: handshakeRejections.status, code: 'InternalError', message: 'injected handshake failure' });
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function send(c: Connection, taskId: string, event: string, payload: Json, header: object = {}): void {
    sent.push({ taskId, event, payload, atMs: Date.now() });
    if (sent.length > 10_000) sent.shift();
    if (c.ws.readyState === WebSocket.OPEN) c.ws.send(JSON.stringify({ header: { task_id: taskId, event, attributes: {}, ...header }, payload }));
  }

  function refuse(c: Connection, taskId: string, code: string, message: string): void {
    stats.tasksFailed[code] = (stats.tasksFailed[code] ?? 0) + 1;
    send(c, taskId, 'task-failed', {}, { error_code: code, error_message: message });
  }

  function withinRate(): boolean {
    const now = Date.now();
    const windowMs = options.rateWindowMs ?? 1000;
    while (acceptedAtMs.length > 0 && now - acceptedAtMs[0]! >= windowMs) acceptedAtMs.shift();
    if (acceptedAtMs.length >= (options.tasksPerWindow ?? 20)) return false;
    acceptedAtMs.push(now);
    return true;
  }

  function runTask(c: Connection, run: AsrRunTask): void {
    stats.runTasks += 1;
    runTaskLog.push(run);
    if (c.task) return refuse(c, run.taskId, 'InvalidParameter', 'a task is already running on this connection');
    if (faults.take('rate-limit') || !withinRate()) return refuse(c, run.taskId, 'Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.');
    if (stats.activeTasks >= (options.maxConcurrency ?? 10)) return refuse(c, run.taskId, 'Throttling', 'Requests throttling triggered.');
    if (!FAKE_ASR_MODELS.includes(run.model)) return refuse(c, run.taskId, 'ModelNotFound', `Model not found (${run.model})!`);
    // A vocabulary of this account serves its target model only (ids it does not know were made elsewhere: accepted).
    const vocabulary = run.vocabularyId === undefined ? undefined : vocabularyApi.vocabularies.get(run.vocabularyId);
    if (vocabulary && vocabulary.targetModel !== run.model) {
      return refuse(c, run.taskId, 'InvalidParameter', `vocabulary ${run.vocabularyId} was created for ${vocabulary.targetModel}, not ${run.model}`);
    }
    if (run.format !== 'pcm') return refuse(c, run.taskId, 'InvalidParameter', 'the fake server recognizes pcm only');
    const expectedRate = options.expectedSampleRateHz ?? 16_000;
    if (run.sampleRateHz !== expectedRate) return refuse(c, run.taskId, 'InvalidParameter', `sample_rate ${run.sampleRateHz} does not match the audio (${expectedRate} Hz)`);
    if (run.model.startsWith('gummy-') && run.translationEnabled && run.translateTo.length === 0) {
      return refuse(c, run.taskId, 'InvalidParameter', 'translation_target_languages is required when translation_enabled');
    }
    const failure = faults.take('task-failed');
    if (failure?.afterFrames === 0) return refuse(c, run.taskId, failure.code, failure.message);
    const drop = faults.take('drop-after-frames');
    const stall = faults.take('stall-before-task-started');
    stats.activeTasks += 1;
    stats.maxActiveTasks = Math.max(stats.maxActiveTasks, stats.activeTasks);
    const task = new FakeAsrTask(run, { ...settings, script: server.script }, {
      send: (event, payload, header) => {
        if (event === 'task-started') stats.tasksStarted += 1;
        send(c, run.taskId, event, payload as Json, header);
      },
      flag: (flag) => stats.pacing.push({ ...flag, taskId: run.taskId }),
      ended: (outcome, code) => {
        stats.activeTasks -= 1;
        if (outcome === 'finished') stats.tasksFinished += 1;
        else if (code && code !== 'connection-closed') stats.tasksFailed[code] = (stats.tasksFailed[code] ?? 0) + 1;
        if (c.task === task) c.task = undefined;
      },
    });
    c.task = task;
    taskFaults.set(task, { ...(failure ? { failure } : {}), ...(drop ? { drop } : {}) });
    // The model takes a moment to start: audio sent before the client saw task-started is flagged.
    setTimeout(() => c.task === task && task.start(), stall?.ms ?? options.taskStartMs ?? 5);
  }

  function onAudio(c: Connection, data: Buffer): void {
    const task = c.task;
    if (!task) return refuse(c, 'unknown', 'InvalidParameter', 'audio outside a task');
    stats.framesReceived += 1;
    const index = task.audio(new Uint8Array(data));
    if (index !== undefined) stats.sourceFrames.set(index, (stats.sourceFrames.get(index) ?? 0) + 1);
    const { failure, drop } = taskFaults.get(task) ?? {};
    if (failure && task.framesReceived >= failure.afterFrames) task.fail(failure.code, failure.message);
    if (drop && task.framesReceived >= drop.frames) c.ws.terminate();
  }

  function onMessage(c: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) return onAudio(c, data as Buffer);
    let taskId = 'unknown';
    try {
      const message: unknown = JSON.parse(data.toString());
      need(isObject(message) && isObject(message.header) && isObject(message.payload), 'header and payload are required');
      const { header, payload } = message;
      need(typeof header.task_id === 'string' && header.task_id, 'header.task_id is required');
      taskId = header.task_id;
      need(header.streaming === 'duplex', 'header.streaming must be "duplex"');
      if (header.action === 'run-task') return runTask(c, parseRunTask(taskId, payload));
      need(c.task?.run.taskId === taskId, `no running task ${taskId} on this connection`);
      need(header.action === 'finish-task', `unknown header.action ${String(header.action)}`);
      c.task.finish();
    } catch (error) {
      if (error instanceof Refused) return refuse(c, taskId, 'InvalidParameter', error.message);
      if (error instanceof SyntaxError) return refuse(c, taskId, 'InvalidParameter', 'message is not valid JSON');
      throw error;
    }
  }

  function accept(ws: WebSocket): void {
    const c: Connection = { ws };
    connections.add(c);
    stats.connectionsAccepted += 1;
    ws.on('message', (data, isBinary) => onMessage(c, data, isBinary));
    ws.on('error', () => {});
    ws.on('close', () => {
      connections.delete(c);
      c.task?.abort();
    });
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return Object.assign(server, {
    url: `ws://127.0.0.1:${port}${DASHSCOPE_PATH}`,
    vocabularyApi,
    vocabularyUrl: `http://127.0.0.1:${port}${CUSTOMIZATION_PATH}`,
    apiKey,
    stats,
    runTaskLog,
    sent,
    injectTaskFault: (fault: AsrTaskFault, times = 1) => faults.add(fault, times),
    rejectHandshakes: (status: number, times = 1) => {
      handshakeRejections = { status, left: times };
    },
    dropAll() {
      const n = connections.size;
      for (const c of connections) c.ws.terminate();
      return n;
    },
    async close() {
      for (const c of connections) c.ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  });
}
