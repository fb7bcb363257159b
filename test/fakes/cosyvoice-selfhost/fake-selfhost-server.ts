/**
 * A fake of the open-source CosyVoice FastAPI server (runtime/python/fastapi, node http on
 * 127.0.0.1 port 0): POST or GET /inference_sft with form fields tts_text and spk_id
 * streams raw int16 little-endian mono PCM in odd-sized chunks. Validation errors answer
 * 422 like FastAPI; an unknown speaker is a 500. Faults are injected on demand.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { splitSentences } from '../../../server/src/core/engine-kit/text-segmentation.ts';
import { FaultQueue } from '../dashscope/faults.ts';
import { synthesizeSentence } from '../dashscope/synthetic-voice.ts';

export const DEFAULT_SPEAKERS = ['中文女', '中文男', '英文女', '英文男', '粤语女', '日语男', '韩语女'];

export type SelfhostFault =
  /** Answer with this HTTP status. */
  | { kind: 'http-error'; status: number }
  /** Hold the response headers back. */
  | { kind: 'stall-before-headers'; ms: number }
  /** Hold the first audio bytes back (after the headers). */
  | { kind: 'stall-before-first-audio'; ms: number }
  /** Cut the connection after this many body bytes. */
  | { kind: 'drop-after-bytes'; bytes: number };

export interface FakeSelfhostOptions {
  sampleRateHz?: number;
  speakers?: readonly string[];
  /** Bytes per streamed chunk (odd on purpose: a sample may straddle two chunks). */
  chunkBytes?: number;
  chunkIntervalMs?: number;
  modelFirstPacketMs?: number;
}

export interface FakeSelfhost {
  readonly url: string;
  readonly stats: { requests: number; completed: number; abortedByClient: number; texts: string[] };
  injectFault(fault: SelfhostFault, times?: number): void;
  close(): Promise<void>;
}

async function readForm(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  if (req.method === 'GET') return url.searchParams;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeSelfhost(options: FakeSelfhostOptions = {}): Promise<FakeSelfhost> {
  const sampleRateHz = options.sampleRateHz ?? 22_050;
  const speakers = options.speakers ?? DEFAULT_SPEAKERS;
  const chunkBytes = options.chunkBytes ?? 4001;
  const stats = { requests: 0, completed: 0, abortedByClient: 0, texts: [] as string[] };
  const faults = new FaultQueue<SelfhostFault>();
  const sockets = new Set<Socket>();

  async function inferenceSft(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const form = await readForm(req, url);
    const text = form.get('tts_text');
    const speaker = form.get('spk_id');
    stats.requests += 1;
    const missing = [['tts_text', text], ['spk_id', speaker]].filter(([, v]) => v === null).map(([k]) => k);
    if (missing.length > 0) {
      const detail = missing.map((field) => ({ type: 'missing', loc: ['body', field], msg: 'Field required', input: null }));
      res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ detail }));
      return;
    }
    const taken = faults.takeOnePerKind();
    const fault = <K extends SelfhostFault['kind']>(kind: K) => taken.find((f) => f.kind === kind) as Extract<SelfhostFault, { kind: K }> | undefined;
    const httpError = fault('http-error');
    if (httpError) return void res.writeHead(httpError.status, { 'content-type': 'text/plain' }).end('Internal Server Error');
    if (!speakers.includes(speaker!)) return void res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
    stats.texts.push(text!);
    let aborted = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        aborted = true;
        stats.abortedByClient += 1;
      }
    });
    await sleep(fault('stall-before-headers')?.ms ?? 0);
    if (aborted) return;
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.flushHeaders();
    await sleep((options.modelFirstPacketMs ?? 0) + (fault('stall-before-first-audio')?.ms ?? 0));
    const pcm = Buffer.concat(
      splitSentences(text!)
        .filter((s) => s.trim())
        .map((s) => {
          const { samples } = synthesizeSentence(s, { sampleRateHz });
          return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
        }),
    );
    const drop = fault('drop-after-bytes');
    for (let at = 0; at < pcm.length && !aborted; at += chunkBytes) {
      if (drop && at + chunkBytes > drop.bytes) {
        res.write(pcm.subarray(at, drop.bytes));
        return void res.socket?.destroy();
      }
      res.write(pcm.subarray(at, at + chunkBytes));
      await sleep(options.chunkIntervalMs ?? 1);
    }
    if (aborted) return;
    stats.completed += 1;
    res.end();
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname !== '/inference_sft' || !['GET', 'POST'].includes(req.method ?? '')) {
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
    }
    inferenceSft(req, res, url).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    injectFault: (fault, times = 1) => faults.add(fault, times),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
