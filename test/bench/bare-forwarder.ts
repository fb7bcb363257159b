/**
 * The glass bench's floor: a bare express + socket.io forwarder, written here and sharing no
 * code with the relay. `POST /say {text}` emits the text's pre-rendered PCM chunks to every
 * page at once and answers 202; the page (`GET /`) decodes each chunk and starts it at
 * `max(currentTime, end of the previous chunk)` — no queue, no disk, no jitter buffer, no
 * lead. What the relay adds over this is the relay's own cost.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server } from 'socket.io';

export interface BareForwarder {
  url: string;
  close(): Promise<void>;
}

const PAGE = (sampleRateHz: number) => `<!doctype html>
<meta charset="utf-8"><title>bare forwarder</title>
<script src="/socket.io/socket.io.js"></script>
<script>
  const ctx = new AudioContext({ latencyHint: 'interactive' });
  let nextSec = 0;
  const sources = new Set();
  window.__bare = {
    connected: false,
    stop: () => {
      for (const src of sources) src.stop();
      sources.clear();
      nextSec = 0;
    },
  };
  const socket = io({ transports: ['websocket'] });
  socket.on('connect', () => (window.__bare.connected = true));
  socket.on('pcm', (pcm) => {
    const view = new DataView(pcm);
    const samples = pcm.byteLength >> 1;
    const buffer = ctx.createBuffer(1, samples, ${sampleRateHz});
    const data = buffer.getChannelData(0);
    for (let i = 0; i < samples; i++) data[i] = view.getInt16(i * 2, true) / 32768;
    const src = ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(ctx.destination);
    src.onended = () => sources.delete(src);
    sources.add(src);
    const at = Math.max(ctx.currentTime, nextSec);
    src.start(at);
    nextSec = at + buffer.duration;
  });
</script>`;

/** `chunks`: each text's PCM (s16le mono at `sampleRateHz`), in the order to emit. */
export async function startBareForwarder(chunks: ReadonlyMap<string, readonly Uint8Array[]>, sampleRateHz: number): Promise<BareForwarder> {
  const app = express();
  app.use(express.json());
  const http = createServer(app);
  const io = new Server(http);
  app.get('/', (_req, res) => res.type('html').send(PAGE(sampleRateHz)));
  app.post('/say', (req, res) => {
    const pcm = chunks.get(String(req.body?.text));
    if (!pcm) return void res.status(404).end();
    for (const chunk of pcm) io.emit('pcm', chunk);
    res.status(202).json({});
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}
