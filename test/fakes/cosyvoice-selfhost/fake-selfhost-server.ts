/**
 * A fake of the official CosyVoice FastAPI server (runtime/python/fastapi/server.py; node http
 * on 127.0.0.1 port 0), checked against the real server.py run with a stand-in model
 * (server-contract.test.ts runs the same assertions on both). What it reproduces, from server.py and cosyvoice/cli/cosyvoice.py:
 * - five routes, each GET or POST (another method: 405), fields only from the body
 *   (`Form()`: urlencoded or multipart/form-data; a query string is ignored), `prompt_wav` an
 *   `UploadFile`; a missing or empty field is a FastAPI 422 `{detail: [{type, loc, msg, input}]}`
 *   (pydantic 2, as CosyVoice's requirements pin fastapi 0.115.6 / pydantic 2.7);
 * - the prompt routes decode the WAV in the handler (`load_wav`): undecodable audio, or a route
 *   the model class lacks (instruct2 on v1), is a 500 "Internal Server Error" text/plain;
 * - the 200 (chunked, no content type) is sent before the model runs; the model then yields one
 *   chunk per sentence (server.py does not stream within a sentence); an unknown spk_id (v2/v3
 *   models have no SFT speakers) or v1 instruct on v2/v3 raises inside the generator, which
 *   cuts the stream with no audio.
 * Audio is raw int16 little-endian mono PCM of the synthetic voice. Faults are injected on demand.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { splitSentences } from '../../../server/src/core/engine-kit/text-segmentation.ts';
import { FaultQueue } from '../dashscope/faults.ts';
import { synthesizeSentence } from '../dashscope/synthetic-voice.ts';

export const DEFAULT_SPEAKERS = ['中文女', '中文男', '英文女', '英文男', '粤语女', '日语男', '韩语女'];

/** v1-sft: CosyVoice-300M-SFT (22050 Hz, SFT speakers); v1-instruct: -Instruct; v2: CosyVoice2-0.5B or Fun-CosyVoice3 (24000 Hz, no speakers). */
export type FakeModel = 'v1-sft' | 'v1-instruct' | 'v2';

export type SelfhostRouteName = 'inference_sft' | 'inference_instruct' | 'inference_zero_shot' | 'inference_cross_lingual' | 'inference_instruct2';

const ROUTES: Record<SelfhostRouteName, { fields: string[]; prompt: boolean }> = {
  inference_sft: { fields: ['tts_text', 'spk_id'], prompt: false },
  inference_zero_shot: { fields: ['tts_text', 'prompt_text', 'prompt_wav'], prompt: true },
  inference_cross_lingual: { fields: ['tts_text', 'prompt_wav'], prompt: true },
  inference_instruct: { fields: ['tts_text', 'spk_id', 'instruct_text'], prompt: false },
  inference_instruct2: { fields: ['tts_text', 'instruct_text', 'prompt_wav'], prompt: true },
};

export type SelfhostFault =
  /** Answer with this HTTP status. */
  | { kind: 'http-error'; status: number }
  /** Hold the response headers back. */
  | { kind: 'stall-before-headers'; ms: number }
  /** Hold the first audio bytes back (after the headers). */
  | { kind: 'stall-before-first-audio'; ms: number }
  /** Cut the connection after this many body bytes (0: a 200 cut before any audio, as a model failure does). */
  | { kind: 'drop-after-bytes'; bytes: number };

export interface FakeSelfhostOptions {
  model?: FakeModel;
  /** Default: 22050 for v1, 24000 for v2. */
  sampleRateHz?: number;
  /** SFT speakers (default: the v1 ones; none for v2). */
  speakers?: readonly string[];
  /** Bytes per streamed write (odd on purpose: a sample may straddle two chunks). */
  chunkBytes?: number;
  chunkIntervalMs?: number;
  /** Model time before each sentence's audio (the real server yields a whole sentence at once). */
  modelFirstPacketMs?: number;
}

/** One request the fake answered 200 to (or refused), as the server saw it. */
export interface FakeCall {
  route: SelfhostRouteName;
  fields: Record<string, string>;
  /** Bytes of the uploaded prompt_wav (prompt routes). */
  promptWavBytes?: number;
}

export interface FakeSelfhost {
  readonly url: string;
  readonly stats: { requests: number; completed: number; abortedByClient: number; texts: string[]; calls: FakeCall[] };
  injectFault(fault: SelfhostFault, times?: number): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const internalError = (res: ServerResponse) => void res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal Server Error');

/** The body as FastAPI reads `Form()` fields: urlencoded or multipart (undici's parser); anything else has no fields. */
async function readForm(req: IncomingMessage): Promise<FormData> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const type = req.headers['content-type'] ?? '';
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/u.test(type)) return new FormData();
  return new Response(Buffer.concat(chunks), { headers: { 'content-type': type } }).formData();
}

/** What `load_wav` (soundfile) accepts of a WAV: RIFF/WAVE with a PCM fmt chunk, at 16 kHz or more. */
function decodableWav(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.byteLength < 44 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return false;
  for (let at = 12; at + 8 <= bytes.byteLength; at += 8 + view.getUint32(at + 4, true)) {
    if (tag(at) === 'fmt ') return view.getUint16(at + 8, true) === 1 && view.getUint32(at + 12, true) >= 16_000;
  }
  return false;
}

export async function startFakeSelfhost(options: FakeSelfhostOptions = {}): Promise<FakeSelfhost> {
  const model = options.model ?? 'v1-sft';
  const sampleRateHz = options.sampleRateHz ?? (model === 'v2' ? 24_000 : 22_050);
  const speakers = options.speakers ?? (model === 'v2' ? [] : DEFAULT_SPEAKERS);
  const chunkBytes = options.chunkBytes ?? 4001;
  const stats = { requests: 0, completed: 0, abortedByClient: 0, texts: [] as string[], calls: [] as FakeCall[] };
  const faults = new FaultQueue<SelfhostFault>();
  const sockets = new Set<Socket>();

  /** Raised inside the model's generator, after the 200: the stream is cut with no audio. */
  function modelFails(route: SelfhostRouteName, fields: Record<string, string>): boolean {
    if (route === 'inference_instruct' && model === 'v2') return true; // assert: "only implemented for CosyVoice"
    return (route === 'inference_sft' || route === 'inference_instruct') && !speakers.includes(fields.spk_id!); // KeyError in frontend_sft
  }

  async function inference(route: SelfhostRouteName, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    stats.requests += 1;
    const spec = ROUTES[route];
    const problems = spec.fields.flatMap((field): { type: string; loc: string[]; msg: string; input: string | null }[] => {
      const value = form.get(field);
      // FastAPI reads an empty form string as missing.
      if (value === null || value === '') return [{ type: 'missing', loc: ['body', field], msg: 'Field required', input: null }];
      if (field === 'prompt_wav' && typeof value === 'string') {
        return [{ type: 'value_error', loc: ['body', field], msg: `Value error, Expected UploadFile, received: <class 'str'>`, input: value }];
      }
      return [];
    });
    if (problems.length > 0) return json(res, 422, { detail: problems });
    const fields = Object.fromEntries(spec.fields.filter((f) => f !== 'prompt_wav').map((f) => [f, form.get(f) as string]));
    const wav = spec.prompt ? new Uint8Array(await (form.get('prompt_wav') as File).arrayBuffer()) : undefined;
    stats.calls.push({ route, fields, ...(wav ? { promptWavBytes: wav.byteLength } : {}) });
    const taken = faults.takeOnePerKind();
    const fault = <K extends SelfhostFault['kind']>(kind: K) => taken.find((f) => f.kind === kind) as Extract<SelfhostFault, { kind: K }> | undefined;
    const httpError = fault('http-error');
    if (httpError) return void res.writeHead(httpError.status, { 'content-type': 'text/plain' }).end(httpError.status === 500 ? 'Internal Server Error' : 'Bad Gateway');
    // Before the response: load_wav, then the model method lookup (v1 has no inference_instruct2).
    if (wav && !decodableWav(wav)) return internalError(res);
    if (route === 'inference_instruct2' && model !== 'v2') return internalError(res);
    const text = fields.tts_text!;
    let aborted = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        aborted = true;
        stats.abortedByClient += 1;
      }
    });
    await sleep(fault('stall-before-headers')?.ms ?? 0);
    if (aborted) return;
    res.writeHead(200, { 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    await sleep(fault('stall-before-first-audio')?.ms ?? 0);
    const drop = fault('drop-after-bytes') ?? (modelFails(route, fields) ? { kind: 'drop-after-bytes', bytes: 0 } : undefined);
    let sent = 0;
    for (const sentence of splitSentences(text).filter((s) => s.trim())) {
      await sleep(options.modelFirstPacketMs ?? 0);
      if (aborted) return;
      if (drop?.bytes === 0) return void res.socket?.destroy();
      stats.texts.push(sentence);
      const { samples } = synthesizeSentence(sentence, { sampleRateHz });
      const pcm = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
      for (let at = 0; at < pcm.length && !aborted; at += chunkBytes) {
        const piece = pcm.subarray(at, at + chunkBytes);
        if (drop && sent + piece.length > drop.bytes) {
          res.write(piece.subarray(0, drop.bytes - sent));
          return void res.socket?.destroy();
        }
        res.write(piece);
        sent += piece.length;
        await sleep(options.chunkIntervalMs ?? 1);
      }
    }
    if (aborted) return;
    stats.completed += 1;
    res.end();
  }

  const server = createServer((req, res) => {
    const route = new URL(req.url ?? '/', 'http://fake').pathname.slice(1);
    if (!(route in ROUTES)) return json(res, 404, { detail: 'Not Found' });
    if (!['GET', 'POST'].includes(req.method ?? '')) return json(res, 405, { detail: 'Method Not Allowed' });
    inference(route as SelfhostRouteName, req, res).catch(() => res.destroy());
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
