/**
 * Fan-out and footprint of one relay process (a child process, as `npm start` runs it):
 * - chunk delivery to 1,000 overlay sockets vs to a single one (caption POSTed → first
 *   audio:chunk received, p95 over sockets and captions; ratio against the single socket
 *   measured in the same run);
 * - relay RSS idle and under a caption burst (targets < 120 MB and < 200 MB), and its peak
 *   while serving the 1,000 sockets;
 * - a 60 s soak with steady captions: RSS and first-audio latency at the start vs the end.
 */
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { startFakeDashScope } from '../fakes/dashscope/fake-dashscope-server.ts';
import { AckOverlay } from '../support/ack-overlay.ts';
import { startChildRelay, type ChildRelay } from '../support/child-relay.ts';
import { percentile } from './stats.ts';

const FANOUT_SOCKETS = 1000;
const CAPTIONS_PER_ROUND = 5;

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Passive overlays: they receive everything and never ack (the ack overlay drives the queue). */
async function connectListeners(relay: ChildRelay, count: number, onFirstChunk: (id: string, atMs: number) => void): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, () => {
      const s = io(`${relay.url}/overlay`, { auth: { key: relay.overlayKey }, transports: ['websocket'], forceNew: true, reconnection: false });
      s.on('audio:chunk', (c: { id: string; seq: number }) => {
        if (c.seq === 0) onFirstChunk(c.id, performance.now());
      });
      sockets.push(s);
      return new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

/** POSTs captions one after another; returns per-socket first-chunk delays (ms after each POST). */
async function deliveryDelaysMs(relay: ChildRelay, listeners: number): Promise<number[]> {
  const postedAt = new Map<string, number>();
  const delays: number[] = [];
  const pending: { id: string; atMs: number }[] = [];
  const sockets = await connectListeners(relay, listeners, (id, atMs) => pending.push({ id, atMs }));
  try {
    for (let i = 0; i < CAPTIONS_PER_ROUND; i++) {
      const before = performance.now();
      const res = await relay.post('/api/captions', { text: `Fan-out check number ${i}.` });
      const { id } = (await res.json()) as { id: string };
      postedAt.set(id, before);
      for (let waited = 0; waited < 10_000 && pending.filter((p) => p.id === id).length < listeners; waited += 20) await sleep(20);
      await sleep(300);
    }
    for (const p of pending) {
      const at = postedAt.get(p.id);
      if (at !== undefined) delays.push(p.atMs - at);
    }
    return delays;
  } finally {
    for (const s of sockets) s.disconnect();
  }
}

async function soak(relay: ChildRelay, durationMs: number): Promise<Record<string, number>> {
  const samples: { atMs: number; rssMb: number }[] = [];
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < durationMs) {
    await relay.post('/api/captions', { text: `Steady caption ${n++}, 稳定的字幕。` });
    samples.push({ atMs: performance.now() - started, rssMb: rssMb(relay.pid) });
    await sleep(1000);
  }
  const { items } = (await (await relay.get('/api/queue')).json()) as { items: { firstAudioMs?: number; receivedAtMs: number }[] };
  const played = items.filter((i) => i.firstAudioMs !== undefined).sort((a, b) => a.receivedAtMs - b.receivedAtMs);
  const third = Math.max(1, Math.floor(played.length / 3));
  const early = played.slice(0, third).map((i) => i.firstAudioMs!);
  const late = played.slice(-third).map((i) => i.firstAudioMs!);
  const firstRss = samples.slice(0, 5).map((s) => s.rssMb);
  const lastRss = samples.slice(-5).map((s) => s.rssMb);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    soak_duration_s: Math.round(durationMs / 1000),
    soak_captions: n,
    soak_rss_start_mb: Math.round(mean(firstRss)),
    soak_rss_end_mb: Math.round(mean(lastRss)),
    soak_rss_growth_ratio: mean(lastRss) / mean(firstRss),
    soak_first_audio_p50_start_ms: percentile(early, 50),
    soak_first_audio_p50_end_ms: percentile(late, 50),
    soak_latency_growth_ratio: percentile(late, 50) / percentile(early, 50),
  };
}

/** Idle RSS with the cloud engine instead of the embedded one (whose worker holds ~30 MB by itself). */
async function idleRssCloudMb(): Promise<number> {
  const fake = await startFakeDashScope();
  const relay = await startChildRelay({
    env: { TTS_ENGINE: 'cosyvoice', COSYVOICE_API_KEY: fake.apiKey, COSYVOICE_URL: fake.url, RELAY_LOG_LEVEL: 'warn' },
  });
  try {
    await sleep(2000);
    return rssMb(relay.pid);
  } finally {
    await relay.kill('SIGTERM');
    await fake.close();
  }
}

/** A fresh relay (embedded engine) with one acking overlay, for `fn`; killed after. */
async function withRelay<T>(fn: (relay: ChildRelay) => Promise<T>): Promise<T> {
  const relay = await startChildRelay({ env: { RELAY_DEDUPE_WINDOW_MS: '0', RELAY_LOG_LEVEL: 'warn' } });
  const acker = new AckOverlay();
  try {
    await acker.connect(relay.url, relay.overlayKey);
    await sleep(2000);
    return await fn(relay);
  } finally {
    acker.disconnect();
    await relay.kill('SIGTERM');
  }
}

/** What `work` gives, and the relay's peak RSS while it runs and for 2 s after. */
async function peakRssMbDuring<T>(relay: ChildRelay, work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peakMb = rssMb(relay.pid);
  const watcher = setInterval(() => (peakMb = Math.max(peakMb, rssMb(relay.pid))), 50);
  try {
    const result = await work();
    await sleep(2000);
    return { result, peakMb };
  } finally {
    clearInterval(watcher);
  }
}

/**
 * Each figure on its own fresh relay process, so one scenario's heap (V8 keeps what the
 * 1,000-socket backlog grew) does not inflate the next one's.
 */
export async function benchFanout(soakMs = 60_000): Promise<Record<string, number>> {
  const cloudIdleRssMb = await idleRssCloudMb();
  const footprint = await withRelay(async (relay) => {
    const idleMb = rssMb(relay.pid);
    // A raid on the API: 200 captions at once while the overlay acks.
    const burst = await peakRssMbDuring(relay, () =>
      Promise.all(Array.from({ length: 200 }, (_, i) => relay.post('/api/captions', { text: `Burst ${i}` }))),
    );
    return { idleMb, burstPeakMb: burst.peakMb };
  });
  const fanout = await withRelay(async (relay) => {
    const single = await deliveryDelaysMs(relay, 1);
    const { result: many, peakMb } = await peakRssMbDuring(relay, () => deliveryDelaysMs(relay, FANOUT_SOCKETS));
    return { single, many, peakMb };
  });
  const soakFigures = await withRelay((relay) => soak(relay, soakMs));
  return {
    fanout_sockets: FANOUT_SOCKETS,
    fanout_single_first_chunk_p95_ms: percentile(fanout.single, 95),
    fanout_1000_first_chunk_p95_ms: percentile(fanout.many, 95),
    fanout_1000_vs_single_p95_ratio: percentile(fanout.many, 95) / percentile(fanout.single, 95),
    fanout_deliveries: fanout.many.length,
    rss_fanout_1000_peak_mb: Math.round(fanout.peakMb),
    rss_idle_mb: Math.round(footprint.idleMb),
    rss_idle_cloud_engine_mb: Math.round(cloudIdleRssMb),
    rss_burst_peak_mb: Math.round(footprint.burstPeakMb),
    ...soakFigures,
  };
}
