/**
 * What the fakes of DashScope's duplex WebSocket (CosyVoice synthesis, real-time ASR) share:
 * the endpoint path, the handshake's checks and refusal (an HTTP error with DashScope's JSON
 * body), and the strict reading of client messages (`need` refuses with the field it names).
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export const DASHSCOPE_PATH = '/api-ws/v1/inference';

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A client message the fake refuses; its message names the field. */
export class Refused extends Error {}
export function need(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Refused(what);
}

export interface HandshakeRefusal {
  status: number;
  code: string;
  message: string;
}

/** DashScope's refusal of an upgrade to another path (404) or without the account's key (401); undefined when both are right. */
export function handshakeRefusal(req: IncomingMessage, apiKey: string): HandshakeRefusal | undefined {
  if (new URL(req.url ?? '/', 'http://x').pathname !== DASHSCOPE_PATH) return { status: 404, code: 'InvalidURL', message: 'Invalid URL provided in your request.' };
  if (req.headers.authorization !== `Bearer ${apiKey}`) return { status: 401, code: 'InvalidApiKey', message: 'Invalid API-key provided.' };
  return undefined;
}

/** Answers a refused upgrade with the HTTP status and DashScope's JSON error body, then closes. */
export function refuseUpgrade(socket: Socket, { status, code, message }: HandshakeRefusal): void {
  const body = JSON.stringify({ code, message, request_id: crypto.randomUUID() });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
