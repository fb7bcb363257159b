/**
 * A fake obs-websocket v5 server (ws on 127.0.0.1, port 0, subprotocol obswebsocket.json)
 * speaking the real protocol: Hello (op 0) with an authentication challenge and salt,
 * Identify (op 1) checked against the sha256 auth string (close 4009 when wrong), Identified
 * (op 2), Request (op 6) → RequestResponse (op 7) with requestStatus, Event (op 5) filtered by
 * the client's eventSubscriptions. Records every request; OBS state lives in FakeObsState.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeObsState, type FakeObsEvent, type FakeObsStateOptions } from './fake-obs-state.ts';

const SUBPROTOCOL = 'obswebsocket.json';
const OP = { Hello: 0, Identify: 1, Identified: 2, Event: 5, Request: 6, RequestResponse: 7 } as const;
const CLOSE = { NotIdentified: 4007, AuthenticationFailed: 4009 } as const;
const EVENT_SUBSCRIPTION_ALL = 0x7ff;

export interface RecordedRequest {
  requestType: string;
  requestData: Record<string, unknown>;
  /** Date.now() when the request arrived. */
  atMs: number;
}

export interface FakeObsOptions extends FakeObsStateOptions {
  /** Require this password; undefined = authentication off. */
  password?: string;
  port?: number;
}

export interface FakeObs {
  url: string;
  readonly state: FakeObsState;
  readonly requests: RecordedRequest[];
  requestsOf(requestType: string): RecordedRequest[];
  /** Resolves with the first request (at index >= fromIndex) that matches. */
  waitForRequest(match: (r: RecordedRequest) => boolean, timeoutMs?: number, fromIndex?: number): Promise<RecordedRequest>;
  /** Handshakes attempted (Identify messages received), and how many were refused. */
  identifyCount(): number;
  authFailureCount(): number;
  /** Starts or stops the stream; `announce: false` skips StreamStateChanged (a missed event). */
  setStreaming(active: boolean, announce?: boolean): void;
  /** Switches the program scene (as a person in OBS would) and emits CurrentProgramSceneChanged. */
  switchScene(sceneName: string): void;
  /** Requests of this type get no answer (a hung OBS). */
  holdResponses(requestType: string): void;
  /** Drops every connection abruptly. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** The Identify authentication string: base64(sha256(base64(sha256(password + salt)) + challenge)). */
export function obsAuthString(password: string, salt: string, challenge: string): string {
  const sha = (s: string): string => createHash('sha256').update(s).digest('base64');
  return sha(sha(password + salt) + challenge);
}

export async function startFakeObs(options: FakeObsOptions = {}): Promise<FakeObs> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  await once(wss, 'listening');
  const state = new FakeObsState(options);
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const held = new Set<string>();
  const sessions = new Map<WebSocket, { eventSubscriptions: number }>();
  let identifies = 0;
  let authFailures = 0;

  const send = (ws: WebSocket, op: number, d: unknown): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ op, d }));
  };
  const broadcast = (events: readonly FakeObsEvent[]): void => {
    for (const [ws, session] of sessions) {
      for (const e of events) {
        if (session.eventSubscriptions & e.eventIntent) send(ws, OP.Event, e);
      }
    }
  };

  wss.on('connection', (ws) => {
    if (ws.protocol !== SUBPROTOCOL) return ws.close(4000, 'subprotocol required');
    const salt = randomBytes(32).toString('base64');
    const challenge = randomBytes(32).toString('base64');
    send(ws, OP.Hello, {
      obsWebSocketVersion: '5.3.4',
      rpcVersion: 1,
      ...(options.password === undefined ? {} : { authentication: { challenge, salt } }),
    });

    ws.on('message', (raw) => {
      const { op, d } = JSON.parse(raw.toString()) as { op: number; d: Record<string, unknown> };
      if (op === OP.Identify) {
        identifies += 1;
        if (options.password !== undefined && d.authentication !== obsAuthString(options.password, salt, challenge)) {
          authFailures += 1;
          return ws.close(CLOSE.AuthenticationFailed, 'Authentication failed.');
        }
        const eventSubscriptions = typeof d.eventSubscriptions === 'number' ? d.eventSubscriptions : EVENT_SUBSCRIPTION_ALL;
        sessions.set(ws, { eventSubscriptions });
        return send(ws, OP.Identified, { negotiatedRpcVersion: 1 });
      }
      if (!sessions.has(ws)) return ws.close(CLOSE.NotIdentified, 'The session has not been identified.');
      if (op !== OP.Request) return;
      const requestType = String(d.requestType);
      const requestData = (d.requestData ?? {}) as Record<string, unknown>;
      requests.push({ requestType, requestData, atMs: Date.now() });
      for (const wake of waiters) wake();
      if (held.has(requestType)) return;
      const { events, ...answer } = state.handle(requestType, requestData);
      send(ws, OP.RequestResponse, { requestType, requestId: d.requestId, ...answer });
      if (events) broadcast(events);
    });
    ws.on('close', () => sessions.delete(ws));
  });

  return {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    state,
    requests,
    requestsOf: (requestType) => requests.filter((r) => r.requestType === requestType),
    waitForRequest(match, timeoutMs = 3_000, fromIndex = 0) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = requests.slice(fromIndex).find(match);
          if (!found) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`fake OBS: no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
    identifyCount: () => identifies,
    authFailureCount: () => authFailures,
    setStreaming(active, announce = true) {
      state.streaming = active;
      if (announce) broadcast([state.streamStateEvent()]);
    },
    switchScene(sceneName) {
      if (!state.scenes.includes(sceneName)) state.scenes.push(sceneName);
      state.programScene = sceneName;
      broadcast([state.programSceneEvent()]);
    },
    holdResponses: (requestType) => void held.add(requestType),
    dropConnections() {
      for (const ws of wss.clients) ws.terminate();
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
