/**
 * A WebSocket proxy between the OBS integration and a real OBS that records every
 * obs-websocket message both ways (so a test can count the requests the plugin sent and read
 * OBS's real answers) and can inject an event as if OBS had sent it (a StreamStateChanged the
 * real OBS cannot produce without a streaming server).
 */
import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';

export interface ObsMessage {
  op: number;
  d: Record<string, unknown>;
}

export interface ProxiedRequest {
  requestType: string;
  requestData: Record<string, unknown>;
  /** OBS's requestStatus.code, once answered. */
  statusCode?: number;
}

export interface RecordingProxy {
  url: string;
  /** Identify (op 1) messages clients sent: one per handshake attempt. */
  identifyCount(): number;
  requestsOf(requestType: string): ProxiedRequest[];
  /** Sends clients a StreamStateChanged event as if OBS had (OBS itself is not streaming). */
  injectStreamState(outputActive: boolean): void;
  close(): Promise<void>;
}

const OP = { Identify: 1, Event: 5, Request: 6, RequestResponse: 7 } as const;
const OUTPUTS_EVENT_INTENT = 64;
/** Close codes that may not be sent in a close frame. */
const RESERVED_CLOSE_CODES = new Set([1005, 1006, 1015]);

export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => [...protocols][0] ?? false });
  await once(wss, 'listening');
  const requests = new Map<string, ProxiedRequest>();
  const clients = new Set<WebSocket>();
  let identifies = 0;

  wss.on('connection', (client) => {
    clients.add(client);
    const upstream = new WebSocket(targetUrl, client.protocol || undefined);
    const pending: string[] = [];
    const closeWith = (ws: WebSocket, code: number, reason: Buffer): void => {
      if (ws.readyState === ws.OPEN) ws.close(RESERVED_CLOSE_CODES.has(code) ? 1000 : code, reason);
      else if (ws.readyState === ws.CONNECTING) ws.terminate();
    };

    client.on('message', (raw) => {
      const text = raw.toString();
      const { op, d } = JSON.parse(text) as ObsMessage;
      if (op === OP.Identify) identifies += 1;
      if (op === OP.Request) requests.set(String(d.requestId), { requestType: String(d.requestType), requestData: (d.requestData ?? {}) as Record<string, unknown> });
      if (upstream.readyState === upstream.OPEN) upstream.send(text);
      else pending.push(text);
    });
    upstream.on('open', () => {
      for (const text of pending.splice(0)) upstream.send(text);
    });
    upstream.on('message', (raw) => {
      const text = raw.toString();
      const { op, d } = JSON.parse(text) as ObsMessage;
      const request = op === OP.RequestResponse ? requests.get(String(d.requestId)) : undefined;
      if (request) request.statusCode = (d.requestStatus as { code: number }).code;
      if (client.readyState === client.OPEN) client.send(text);
    });
    upstream.on('close', (code, reason) => closeWith(client, code, reason));
    upstream.on('error', () => client.terminate());
    client.on('close', (code, reason) => {
      clients.delete(client);
      closeWith(upstream, code, reason);
    });
  });

  return {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    identifyCount: () => identifies,
    requestsOf: (requestType) => [...requests.values()].filter((r) => r.requestType === requestType),
    injectStreamState(outputActive) {
      const outputState = outputActive ? 'OBS_WEBSOCKET_OUTPUT_STARTED' : 'OBS_WEBSOCKET_OUTPUT_STOPPED';
      const eventData = { outputActive, outputState };
      const frame = JSON.stringify({ op: OP.Event, d: { eventType: 'StreamStateChanged', eventIntent: OUTPUTS_EVENT_INTENT, eventData } });
      for (const client of clients) client.send(frame);
    },
    async close() {
      for (const client of clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
