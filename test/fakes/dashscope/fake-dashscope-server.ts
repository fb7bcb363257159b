/**
 * A fake DashScope CosyVoice duplex WebSocket server on 127.0.0.1 (port 0) that speaks the
 * protocol strictly: Authorization header, every required field, task-started before
 * continue-task, text limits, idle timeouts, rate limit and max concurrency answered with
 * the real error codes, interleaved PCM frames and word timings. Faults are injected on
 * demand; network latency is emulated on every frame (and on the handshake). On the same
 * host it serves the voice customization REST API (`fake-voice-customization.ts`): cloned
 * voices it creates are spoken by run-task for their target model only.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { DelayedSender } from './delayed-sender.ts';
import { DASHSCOPE_PATH, handshakeRefusal, type HandshakeRefusal, refuseUpgrade } from './duplex-fake-kit.ts';
import { type ConnectionFault, FaultQueue, type TaskFault } from './faults.ts';
import { FakeTask } from './fake-task.ts';
import { CUSTOMIZATION_PATH, FakeVoiceCustomization } from './fake-voice-customization.ts';
import { parseClientMessage, type RunTask } from './validate-client-message.ts';


const DEFAULT_VOICES: Record<string, readonly string[]> = {
  'cosyvoice-v1': ['longxiaochun', 'longwan', 'longcheng'],
  'cosyvoice-v2': ['longxiaochun_v2', 'longwan_v2', 'longcheng_v2'],
  'cosyvoice-v3-flash': ['longanyang', 'longxiaochun_v3'],
  'cosyvoice-v3-plus': ['longanyang', 'longxiaochun_v3'],
};

export interface FakeDashScopeOptions {
  apiKey?: string;
  /** Task submissions accepted per model per rate window (the account's quota). */
  tasksPerS?: number;
  /** Length of the rate window, ms (1000 = per second; smaller scales time down in tests). */
  rateWindowMs?: number;
  maxConcurrency?: number;
  /** No text within a task, or no message on an idle connection, for this long ends it (23 s). */
  idleTimeoutMs?: number;
  maxCharsPerMessage?: number;
  maxCharsPerTask?: number;
  voices?: Record<string, readonly string[]>;
  /** Audio per binary frame, ms. */
  frameMs?: number;
  /** Generation time between frames, ms. */
  frameIntervalMs?: number;
  /** Whether word times count from the task's first sample or the sentence's. */
  wordTimeBase?: 'task' | 'sentence';
  /** Round trips a fresh connection costs before the upgrade answer (TCP + TLS + upgrade). */
  handshakeRtts?: number;
  rttMs?: number;
  jitterMs?: number;
  modelFirstPacketMs?: number;
  /** query_voice answers a new cloned voice spends DEPLOYING. */
  deployPolls?: number;
  /** Cloned voices the account may hold. */
  maxVoices?: number;
}

export interface FakeEvent {
  atMs: number;
  connection: number;
  type: string;
  taskId?: string;
  detail?: string;
}

export interface FakeStats {
  connectionsAccepted: number;
  handshakesRejected: number;
  runTasks: number;
  continueTasks: number;
  finishTasks: number;
  tasksStarted: number;
  tasksFinished: number;
  tasksFailed: Record<string, number>;
  activeTasks: number;
  maxActiveTasks: number;
  clientClosedDuringTask: number;
  idleClosedByServer: number;
  pingsAnswered: number;
  events: FakeEvent[];
}

export interface FakeDashScope {
  readonly url: string;
  readonly apiKey: string;
  readonly stats: FakeStats;
  /** Date.now() when the server started: `stats.events[].atMs` counts from it. */
  readonly startedAtMs: number;
  /** Latency knobs, changeable while running. */
  readonly network: { rttMs: number; jitterMs: number; modelFirstPacketMs: number };
  injectTaskFault(fault: TaskFault, times?: number): void;
  injectConnectionFault(fault: ConnectionFault, times?: number): void;
  /** Forget every injected fault not yet consumed (the outage is over). */
  clearFaults(): void;
  /**
   * Cut every idle connection (as a NAT timeout or a restart would): one with no task, or
   * with a task that has had no text yet (pre-started by the client). Returns how many.
   */
  dropIdleConnections(): number;
  /** Stop answering anything on idle connections, as above (half-open sockets). Returns how many. */
  blackholeIdleConnections(): number;
  /** Run-task messages received, in order (for assertions on fields). */
  readonly runTaskLog: RunTask[];
  /** Text of every continue-task, by task id, in order. */
  readonly textLog: Map<string, string[]>;
  /** The voice customization API (cloned voices, its call log and faults). */
  readonly customization: FakeVoiceCustomization;
  close(): Promise<void>;
}

interface Connection {
  id: number;
  ws: WebSocket;
  out: DelayedSender;
  in: DelayedSender;
  task?: FakeTask;
  blackholed: boolean;
  idleTimer?: ReturnType<typeof setTimeout>;
}

export async function startFakeDashScope(options: FakeDashScopeOptions = {}): Promise<FakeDashScope> {
  const apiKey = options.apiKey ?? 'test-key';
  const tasksPerWindow = options.tasksPerS ?? 3;
  const rateWindowMs = options.rateWindowMs ?? 1000;
  const maxConcurrency = options.maxConcurrency ?? 3;
  const idleTimeoutMs = options.idleTimeoutMs ?? 23_000;
  const voices = options.voices ?? DEFAULT_VOICES;
  const network = {
    rttMs: options.rttMs ?? 0,
    jitterMs: options.jitterMs ?? 0,
    modelFirstPacketMs: options.modelFirstPacketMs ?? 0,
  };
  const settings = {
    frameMs: options.frameMs ?? 100,
    frameIntervalMs: options.frameIntervalMs ?? 2,
    jitterMs: () => Math.random() * network.jitterMs,
    modelFirstPacketMs: () => network.modelFirstPacketMs,
    wordTimeBase: options.wordTimeBase ?? 'task',
    maxCharsPerMessage: options.maxCharsPerMessage ?? 20_000,
    maxCharsPerTask: options.maxCharsPerTask ?? 200_000,
    idleTimeoutMs,
  };
  const stats: FakeStats = {
    connectionsAccepted: 0,
    handshakesRejected: 0,
    runTasks: 0,
    continueTasks: 0,
    finishTasks: 0,
    tasksStarted: 0,
    tasksFinished: 0,
    tasksFailed: {},
    activeTasks: 0,
    maxActiveTasks: 0,
    clientClosedDuringTask: 0,
    idleClosedByServer: 0,
    pingsAnswered: 0,
    events: [],
  };
  const runTaskLog: RunTask[] = [];
  const textLog = new Map<string, string[]>();
  const taskFaults = new FaultQueue<TaskFault>();
  const connectionFaults = new FaultQueue<ConnectionFault>();
  const connections = new Set<Connection>();
  const acceptedAtMs = new Map<string, number[]>();
  let nextConnectionId = 1;
  const t0 = Date.now();
  const log = (connection: number, type: string, taskId?: string, detail?: string) =>
    stats.events.push({ atMs: Date.now() - t0, connection, type, ...(taskId ? { taskId } : {}), ...(detail ? { detail } : {}) });

  const customization = new FakeVoiceCustomization({ apiKey, deployPolls: options.deployPolls, maxVoices: options.maxVoices });
  const http = createServer((req, res) => {
    if (req.method === 'POST' && new URL(req.url ?? '/', 'http://x').pathname === CUSTOMIZATION_PATH) return customization.handle(req, res);
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false });

  function refuseHandshake(socket: Socket, refusal: HandshakeRefusal): void {
    refuseUpgrade(socket, refusal);
    stats.handshakesRejected += 1;
  }

  const pendingUpgrades = new Set<Socket>();
  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => {});
    pendingUpgrades.add(socket);
    const fault = connectionFaults.take('slow-accept', 'reject-handshake');
    const delayMs = (options.handshakeRtts ?? 3) * network.rttMs + (fault?.kind === 'slow-accept' ? fault.ms : 0);
    const timer = setTimeout(() => {
      pendingUpgrades.delete(socket);
      if (socket.destroyed) return;
      const refusal = handshakeRefusal(req, apiKey);
      if (refusal) return refuseHandshake(socket, refusal);
      if (fault?.kind === 'reject-handshake') return refuseHandshake(socket, { status: fault.status, code: 'InternalError', message: 'injected handshake failure' });
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
    }, delayMs);
    socket.once('close', () => {
      clearTimeout(timer);
      pendingUpgrades.delete(socket);
    });
  });

  function sendEvent(c: Connection, taskId: string, event: string, payload: object, header: object = {}): void {
    const text = JSON.stringify({ header: { task_id: taskId, event, attributes: {}, ...header }, payload });
    c.out.run(() => c.ws.readyState === WebSocket.OPEN && c.ws.send(text));
  }

  function armConnectionIdle(c: Connection): void {
    if (c.idleTimer) clearTimeout(c.idleTimer);
    if (!connections.has(c)) return; // closed (a task ending with its connection must not re-arm it)
    c.idleTimer = setTimeout(() => {
      if (c.task) return armConnectionIdle(c);
      stats.idleClosedByServer += 1;
      log(c.id, 'server-idle-close');
      c.ws.close(1000, 'idle timeout');
    }, idleTimeoutMs);
  }

  function refuse(c: Connection, taskId: string, code: string, message: string): void {
    stats.tasksFailed[code] = (stats.tasksFailed[code] ?? 0) + 1;
    log(c.id, 'task-failed', taskId, code);
    sendEvent(c, taskId, 'task-failed', {}, { error_code: code, error_message: message });
  }

  function withinRate(model: string): boolean {
    const now = Date.now();
    const recent = (acceptedAtMs.get(model) ?? []).filter((at) => now - at < rateWindowMs);
    acceptedAtMs.set(model, recent);
    if (recent.length >= tasksPerWindow) return false;
    recent.push(now);
    return true;
  }

  function runTask(c: Connection, run: RunTask): void {
    stats.runTasks += 1;
    runTaskLog.push(run);
    log(c.id, 'run-task', run.taskId);
    if (c.task) return refuse(c, run.taskId, 'InvalidParameter', 'a task is already running on this connection');
    const faults = taskFaults.takeOnePerKind();
    const failure = faults.find((f) => f.kind === 'task-failed');
    if (faults.some((f) => f.kind === 'rate-limit') || !withinRate(run.model)) {
      return refuse(c, run.taskId, 'Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.');
    }
    if (stats.activeTasks >= maxConcurrency) return refuse(c, run.taskId, 'Throttling', 'Requests throttling triggered.');
    const modelVoices = voices[run.model];
    if (!modelVoices) return refuse(c, run.taskId, 'ModelNotFound', `Model not found (${run.model})!`);
    const cloneRefusal = customization.runTaskRefusal(run.voice, run.model);
    if (cloneRefusal) return refuse(c, run.taskId, 'InvalidParameter', cloneRefusal);
    if (!customization.isClonedVoice(run.voice) && !modelVoices.includes(run.voice)) return refuse(c, run.taskId, 'InvalidParameter', '[tts:]Engine return error code: 418');
    // Instruct is listed only for cosyvoice-v3 voices (CosyVoice voice list). What the real API does with
    // an instruction for an older model is not documented: the fake refuses it, to prove the relay never sends one.
    if (run.instruction !== undefined && !/^cosyvoice-v3/u.test(run.model)) {
      return refuse(c, run.taskId, 'InvalidParameter', `parameters.instruction is not supported by model ${run.model}`);
    }
    if (run.format !== 'pcm') return refuse(c, run.taskId, 'InvalidParameter', 'the fake server synthesizes pcm only');
    if (failure && failure.afterAudioFrames === undefined) {
      if (!failure.afterMs) return refuse(c, run.taskId, failure.code, failure.message);
      const timer = setTimeout(() => connections.has(c) && refuse(c, run.taskId, failure.code, failure.message), failure.afterMs);
      return void c.ws.once('close', () => clearTimeout(timer));
    }
    stats.activeTasks += 1;
    stats.maxActiveTasks = Math.max(stats.maxActiveTasks, stats.activeTasks);
    let audioSent = false;
    const task = new FakeTask(run, settings, {
      sendEvent: (event, payload, header) => {
        if (event === 'task-started') stats.tasksStarted += 1;
        if (event !== 'result-generated') log(c.id, event, run.taskId);
        sendEvent(c, run.taskId, event, payload, header);
      },
      sendAudio: (bytes) => {
        if (!audioSent) {
          audioSent = true;
          log(c.id, 'first-audio', run.taskId);
        }
        const copy = Buffer.from(bytes);
        c.out.run(() => c.ws.readyState === WebSocket.OPEN && c.ws.send(copy));
      },
      drop: () => {
        log(c.id, 'server-drop', run.taskId);
        c.out.cancel();
        c.ws.terminate();
      },
      close: (code, reason) => {
        stats.idleClosedByServer += 1;
        log(c.id, 'server-close', run.taskId, reason);
        c.out.run(() => c.ws.close(code, reason));
      },
      ended: (outcome, code) => {
        stats.activeTasks -= 1;
        if (outcome === 'finished') stats.tasksFinished += 1;
        else if (code !== 'connection-closed') stats.tasksFailed[code ?? 'unknown'] = (stats.tasksFailed[code ?? 'unknown'] ?? 0) + 1;
        if (c.task === task) c.task = undefined;
        armConnectionIdle(c);
      },
    }, faults);
    c.task = task;
    task.start();
  }

  function onMessage(c: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) return refuse(c, c.task?.run.taskId ?? 'unknown', 'InvalidParameter', 'binary frames are not accepted');
    armConnectionIdle(c);
    const message = parseClientMessage(data.toString());
    if ('refused' in message) return refuse(c, message.taskId ?? 'unknown', 'InvalidParameter', message.refused);
    if (message.action === 'run-task') return runTask(c, message);
    const task = c.task;
    if (!task || task.run.taskId !== message.taskId) {
      return refuse(c, message.taskId, 'InvalidParameter', `no running task ${message.taskId} on this connection`);
    }
    if (message.action === 'continue-task') {
      stats.continueTasks += 1;
      log(c.id, 'continue-task', message.taskId, String(message.text.length));
      textLog.set(message.taskId, [...(textLog.get(message.taskId) ?? []), message.text]);
      return task.continueWith(message.text);
    }
    stats.finishTasks += 1;
    log(c.id, 'finish-task', message.taskId);
    task.finish();
  }

  function accept(ws: WebSocket): void {
    const c: Connection = {
      id: nextConnectionId++,
      ws,
      out: new DelayedSender(() => network.rttMs / 2),
      in: new DelayedSender(() => network.rttMs / 2),
      blackholed: false,
    };
    connections.add(c);
    stats.connectionsAccepted += 1;
    log(c.id, 'connection');
    armConnectionIdle(c);
    ws.on('message', (data, isBinary) => c.in.run(() => !c.blackholed && onMessage(c, data, isBinary)));
    ws.on('ping', (data) =>
      c.in.run(() => {
        if (c.blackholed) return;
        stats.pingsAnswered += 1;
        c.out.run(() => ws.readyState === WebSocket.OPEN && ws.pong(data));
      }),
    );
    ws.on('error', () => {});
    ws.on('close', (code) => {
      connections.delete(c);
      if (c.idleTimer) clearTimeout(c.idleTimer);
      c.in.cancel();
      c.out.cancel();
      if (c.task) {
        stats.clientClosedDuringTask += 1;
        log(c.id, 'client-close-during-task', c.task.run.taskId, String(code));
        c.task.abort();
      } else log(c.id, 'close', undefined, String(code));
    });
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const idle = () => [...connections].filter((c) => !c.task || c.task.isUntouched);

  return {
    url: `ws://127.0.0.1:${port}${DASHSCOPE_PATH}`,
    apiKey,
    stats,
    startedAtMs: t0,
    network,
    runTaskLog,
    textLog,
    customization,
    injectTaskFault: (fault, times = 1) => taskFaults.add(fault, times),
    injectConnectionFault: (fault, times = 1) => connectionFaults.add(fault, times),
    clearFaults: () => {
      connectionFaults.clear();
      taskFaults.clear();
      customization.clearFaults();
    },
    dropIdleConnections() {
      const victims = idle();
      for (const c of victims) c.ws.terminate();
      return victims.length;
    },
    blackholeIdleConnections() {
      const victims = idle();
      for (const c of victims) c.blackholed = true;
      return victims.length;
    },
    async close() {
      for (const c of connections) c.ws.terminate();
      for (const socket of pendingUpgrades) socket.destroy();
      wss.close();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
}
