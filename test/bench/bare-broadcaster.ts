/**
 * The fan-out baseline: a bare socket.io server, none of the relay's code, run as its own
 * process (forked by `startBareBroadcaster` with the relay's Node flags) so its CPU is read
 * from /proc like the relay's. It accepts any client on `/overlay` and, told over IPC, emits
 * a recorded sequence of overlay events to all of them with their recorded spacing.
 * `BARE_PARSER` picks the wire format: socket.io's default parser, or the msgpack one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Server, type ServerOptions } from 'socket.io';

export type BareParser = 'default' | 'msgpack';

/** One event to broadcast, `atMs` after the first one. */
export interface RecordedEvent {
  atMs: number;
  event: string;
  data: unknown;
}

type ToChild = { type: 'broadcast'; events: RecordedEvent[] };
type FromChild = { type: 'listening'; url: string } | { type: 'sent' };

export interface BareBroadcaster {
  url: string;
  pid: number;
  /** Emits `events` to every connected client; resolves once the last one was handed to socket.io. */
  broadcast(events: RecordedEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** Starts the baseline server in a child process with `nodeFlags` (the relay's). */
export async function startBareBroadcaster(parser: BareParser, nodeFlags: string[]): Promise<BareBroadcaster> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: [...nodeFlags, '--import', 'tsx'],
    env: { ...process.env, BARE_PARSER: parser, NODE_OPTIONS: '' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: FromChild['type']) =>
    new Promise<FromChild>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`bare broadcaster exited (${code})`)));
    });
  const listening = await next('listening');
  return {
    url: listening.type === 'listening' ? listening.url : '',
    pid: child.pid!,
    async broadcast(events) {
      const sent = next('sent');
      child.send({ type: 'broadcast', events } satisfies ToChild);
      await sent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function serve(): Promise<void> {
  const options: Partial<ServerOptions> = { serveClient: false };
  if (process.env.BARE_PARSER === 'msgpack') options.parser = (await import('socket.io-msgpack-parser')).default;
  const http = createServer();
  const io = new Server(http, options);
  const ns = io.of('/overlay');
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  process.on('message', (m: ToChild) => {
    if (m.type !== 'broadcast') return;
    const startedMs = performance.now();
    let i = 0;
    const step = (): void => {
      while (i < m.events.length && performance.now() - startedMs >= m.events[i]!.atMs) {
        const { event, data } = m.events[i++]!;
        ns.emit(event, data);
      }
      if (i < m.events.length) setTimeout(step, Math.max(0, m.events[i]!.atMs - (performance.now() - startedMs)));
      else process.send!({ type: 'sent' } satisfies FromChild);
    };
    step();
  });
  process.on('SIGTERM', () => io.close(() => process.exit(0)));
  process.send!({ type: 'listening', url: `http://127.0.0.1:${port}` } satisfies FromChild);
}

if (process.env.BARE_PARSER && process.send) void serve();
