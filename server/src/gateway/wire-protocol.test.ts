import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { relayClientOptions } from '../../../test/support/relay-client.ts';
import { WIRE_PROTOCOL_VERSION, wireParser } from '../core/wire-format.ts';
import { requireWireProtocol } from './wire-protocol.ts';

let http: HttpServer;
let io: Server;
let url: string;
const clients: Socket[] = [];

beforeAll(async () => {
  http = createServer();
  io = new Server(http, { parser: wireParser });
  requireWireProtocol(io.of('/overlay'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await new Promise<void>((resolve) => io.close(() => resolve()));
});

function connectError(socket: Socket): Promise<Error & { data?: unknown }> {
  clients.push(socket);
  return new Promise((resolve) => socket.once('connect_error', resolve));
}

describe('wire protocol 2', () => {
  it('refuses a client of the default parser with an error that names the protocol', async () => {
    const err = await connectError(connectClient(`${url}/overlay`, { auth: { key: 'k' }, transports: ['websocket'], forceNew: true, reconnection: false }));
    expect(err.message).toMatch(/wire protocol 2/);
    expect(err.data).toEqual({ code: 'protocol_version', expected: WIRE_PROTOCOL_VERSION, got: null });
  });

  it('refuses another protocol version', async () => {
    const options = relayClientOptions({ protocol: 3 });
    const err = await connectError(connectClient(`${url}/overlay`, { ...options, auth: { protocol: 3 }, transports: ['websocket'], forceNew: true, reconnection: false }));
    expect(err.data).toMatchObject({ code: 'protocol_version', got: 3 });
  });

  it('broadcasts an audio chunk as one WebSocket frame, which the client decodes', async () => {
    const client = connectClient(`${url}/overlay`, { ...relayClientOptions({}), transports: ['websocket'], forceNew: true, reconnection: false });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    // A raw WebSocket beside it counts the frames.
    const frames: (Buffer | string)[] = [];
    const raw = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    raw.on('message', (data: Buffer, isBinary) => {
      const message = isBinary ? data : data.toString();
      if (message === '2') return raw.send('3');
      frames.push(message);
      if (typeof message === 'string' && message.startsWith('0')) raw.send(`40/overlay,${JSON.stringify({ protocol: WIRE_PROTOCOL_VERSION })}`);
    });
    await expect.poll(() => frames.some((f) => typeof f === 'string' && f.startsWith('40/overlay,'))).toBe(true);
    frames.length = 0;
    const received = new Promise<{ pcm: Buffer; seq: number }>((resolve) => client.once('audio:chunk', resolve));
    io.of('/overlay').emit('audio:chunk', { id: 'u1', seq: 0, pcm: Buffer.from([1, 0, 2, 0]), offsetMs: 0, durationMs: 0.1 });
    const chunk = await received;
    expect([...chunk.pcm]).toEqual([1, 0, 2, 0]);
    await expect.poll(() => frames.length).toBe(1);
    expect(Buffer.isBuffer(frames[0])).toBe(true);
    raw.close();
  });
});
