/**
 * Fan-out and footprint of one relay process (a child process, as `npm start` runs it):
 * - chunk delivery to 1,000 overlay sockets vs to a single one (caption POSTed → first
 *   audio:chunk received, p95 over sockets and captions), and vs a bare socket.io server
 *   (`bare-broadcaster.ts`, none of the relay's code) broadcasting the relay's own events
 *   for the same captions to the same 1,000 clients, measured in the same run: first-chunk
 *   p95 and the process's CPU per caption (/proc/<pid>/stat utime + stime), each as a ratio;
 * - events per caption against the audio's length (target ≤ 1 + audio ms / 100);
 * - relay RSS idle and under a caption burst (targets < 120 MB and < 200 MB), and its peak
 *   while serving the 1,000 sockets;
 * - a 60 s soak with steady captions: RSS and first-audio latency at the start vs the end
 *   (skipped with `--no-soak` while iterating; the full run keeps it).
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { startFakeDashScope } from '../fakes/dashscope/fake-dashscope-server.ts';
import { AckOverlay } from '../support/ack-overlay.ts';
import { NODE_FLAGS, startChildRelay, type ChildRelay } from '../support/child-relay.ts';
import { relayClientOptions } from '../support/relay-client.ts';
import { startBareBroadcaster, type BareParser, type RecordedEvent } from './bare-broadcaster.ts';
import { cpuMs, rssMb } from './proc.ts';
import { percentile } from './stats.ts';

const FANOUT_SOCKETS = 1000;
const CAPTIONS_PER_ROUND = 5;

export interface FanoutOptions {
  /** Run the 60 s soak (default true). */
  soak?: boolean;
  /** Node flags for the relay and the bare server (default: `npm start`'s). */
  nodeFlags?: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

type WireParser = 'relay' | BareParser;

async function clientOptionsFor(parser: WireParser): Promise<Partial<ManagerOptions & SocketOptions>> {
  if (parser === 'relay') return relayClientOptions({});
  if (parser === 'msgpack') return { parser: (await import('socket.io-msgpack-parser')).default };
  return {};
}

/** An event a listener got, with its arrival time. */
interface Arrival {
  socket: number;
  id: string;
  event: string;
  data: unknown;
  atMs: number;
}

/** Passive overlays: they receive everything and never ack (the ack overlay drives the queue). */
async function connectListeners(url: string, auth: object, count: number, parser: WireParser, onEvent: (a: Arrival) => void): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const options = await clientOptionsFor(parser);
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, () => {
      const s = io(`${url}/overlay`, { ...options, auth: { ...(options.auth as object | undefined), ...auth }, transports: ['websocket'], forceNew: true, reconnection: false });
      const socket = sockets.push(s) - 1;
      s.onAny((event: string, data: { id?: unknown }) => {
        if (typeof data?.id === 'string') onEvent({ socket, id: data.id, event, data, atMs: performance.now() });
      });
      return new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

interface Round {
  /** Per socket and caption: ms from the POST (or the broadcast) to the first audio:chunk. */
  firstChunkDelaysMs: number[];
  /** The serving process's CPU (user + system) per caption, ms. */
  cpuPerCaptionMs: number;
  /** Each caption's events as socket 0 got them, `atMs` after its first event. */
  recordings: RecordedEvent[][];
}

/** Where a round's listeners connect, and the process serving them. */
interface Target {
  url: string;
  auth: object;
  pid: number;
  parser: WireParser;
}

/**
 * Plays `CAPTIONS_PER_ROUND` captions to `listeners` sockets one after another (`send(i)`
 * starts caption i and returns its id) and waits each time until every socket has its end.
 */
async function round(target: Target, listeners: number, send: (i: number) => Promise<string>): Promise<Round> {
  const sentAtMs = new Map<string, number>();
  const firstChunkAtMs = new Map<string, number[]>();
  const ends = new Map<string, number>();
  const recordings = new Map<string, { startMs: number; events: RecordedEvent[] }>();
  const sockets = await connectListeners(target.url, target.auth, listeners, target.parser, (a) => {
    if (a.event === 'audio:chunk' && (a.data as { seq: number }).seq === 0) firstChunkAtMs.set(a.id, [...(firstChunkAtMs.get(a.id) ?? []), a.atMs]);
    if (a.event === 'utterance:end') ends.set(a.id, (ends.get(a.id) ?? 0) + 1);
    if (a.socket !== 0) return;
    const recording = recordings.get(a.id) ?? { startMs: a.atMs, events: [] };
    recording.events.push({ atMs: a.atMs - recording.startMs, event: a.event, data: a.data });
    recordings.set(a.id, recording);
  });
  try {
    const cpuBeforeMs = cpuMs(target.pid);
    for (let i = 0; i < CAPTIONS_PER_ROUND; i++) {
      const beforeMs = performance.now();
      const id = await send(i);
      sentAtMs.set(id, beforeMs);
      for (let waited = 0; waited < 20_000 && (ends.get(id) ?? 0) < listeners; waited += 10) await sleep(10);
      await sleep(300);
    }
    const cpuPerCaptionMs = (cpuMs(target.pid) - cpuBeforeMs) / CAPTIONS_PER_ROUND;
    const firstChunkDelaysMs = [...firstChunkAtMs].flatMap(([id, times]) => times.map((t) => t - sentAtMs.get(id)!));
    return { firstChunkDelaysMs, cpuPerCaptionMs, recordings: [...recordings.values()].map((r) => r.events) };
  } finally {
    for (const s of sockets) s.disconnect();
  }
}

/** Captions POSTed to the relay one after another. */
function relayRound(relay: ChildRelay, listeners: number): Promise<Round> {
  return round({ url: relay.url, auth: { key: relay.overlayKey }, pid: relay.pid, parser: 'relay' }, listeners, async (i) => {
    const res = await relay.post('/api/captions', { text: `Fan-out check number ${i}.` });
    return ((await res.json()) as { id: string }).id;
  });
}

/** The relay's recorded captions broadcast again by a bare socket.io server to `listeners` sockets. */
async function bareRound(parser: BareParser, recordings: RecordedEvent[][], listeners: number, nodeFlags: string[]): Promise<Round> {
  const bare = await startBareBroadcaster(parser, nodeFlags);
  try {
    await sleep(1000);
    return await round({ url: bare.url, auth: {}, pid: bare.pid, parser }, listeners, async (i) => {
      const events = recordings[i % recordings.length]!;
      void bare.broadcast(events);
      return (events[0]!.data as { id: string }).id;
    });
  } finally {
    await bare.close();
  }
}

/** Audio events per caption against the caption's audio length. */
function chunking(recordings: RecordedEvent[][]): Record<string, number> {
  const chunks = recordings.map((events) => events.filter((e) => e.event === 'audio:chunk').map((e) => e.data as { pcm: Uint8Array; durationMs: number }));
  const audioMs = recordings.map((events) => (events.find((e) => e.event === 'utterance:end')?.data as { durationMs: number }).durationMs);
  const perCaption = chunks.map((c) => c.length);
  return {
    chunk_events_per_caption: mean(perCaption),
    chunk_audio_ms_per_caption: mean(audioMs),
    chunk_events_target_max: mean(audioMs.map((ms) => 1 + ms / 100)),
    chunk_events_vs_target_ratio: Math.max(...perCaption.map((n, i) => n / (1 + audioMs[i]! / 100))),
    chunk_smallest_bytes: Math.min(...chunks.flat().map((c) => c.pcm.byteLength)),
    chunk_first_ms: mean(chunks.map((c) => c[0]!.durationMs)),
    events_per_caption: mean(recordings.map((r) => r.length)),
  };
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
async function idleRssCloudMb(nodeFlags: string[]): Promise<number> {
  const fake = await startFakeDashScope();
  const relay = await startChildRelay({
    nodeFlags,
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
async function withRelay<T>(nodeFlags: string[], fn: (relay: ChildRelay) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const relay = await startChildRelay({ nodeFlags, env: { RELAY_DEDUPE_WINDOW_MS: '0', RELAY_LOG_LEVEL: 'warn', ...env } });
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
 * 1,000-socket backlog grew) does not inflate the next one's. The bare baselines run right
 * after the relay's 1,000-socket round, on the events it recorded.
 */
export async function benchFanout(options: FanoutOptions = {}): Promise<Record<string, number>> {
  const nodeFlags = options.nodeFlags ?? NODE_FLAGS;
  const cloudIdleRssMb = await idleRssCloudMb(nodeFlags);
  const footprint = await withRelay(nodeFlags, async (relay) => {
    const idleMb = rssMb(relay.pid);
    // A raid on the API: 200 captions at once while the overlay acks.
    const burst = await peakRssMbDuring(relay, () =>
      Promise.all(Array.from({ length: 200 }, (_, i) => relay.post('/api/captions', { text: `Burst ${i}` }))),
    );
    return { idleMb, burstPeakMb: burst.peakMb };
  });
  const fanout = await withRelay(nodeFlags, async (relay) => {
    const single = await relayRound(relay, 1);
    const { result: many, peakMb } = await peakRssMbDuring(relay, () => relayRound(relay, FANOUT_SOCKETS));
    return { single, many, peakMb };
  });
  const bare = await bareRound('default', fanout.single.recordings, FANOUT_SOCKETS, nodeFlags);
  const bareMsgpack = await bareRound('msgpack', fanout.single.recordings, FANOUT_SOCKETS, nodeFlags);
  const soakFigures = options.soak === false ? {} : await withRelay(nodeFlags, (relay) => soak(relay, 60_000));
  const p95 = (r: Round) => percentile(r.firstChunkDelaysMs, 95);
  return {
    fanout_sockets: FANOUT_SOCKETS,
    fanout_single_first_chunk_p95_ms: p95(fanout.single),
    fanout_1000_first_chunk_p95_ms: p95(fanout.many),
    fanout_1000_vs_single_p95_ratio: p95(fanout.many) / p95(fanout.single),
    fanout_bare_1000_first_chunk_p95_ms: p95(bare),
    fanout_1000_vs_bare_p95_ratio: p95(fanout.many) / p95(bare),
    fanout_cpu_per_caption_ms: fanout.many.cpuPerCaptionMs,
    fanout_bare_cpu_per_caption_ms: bare.cpuPerCaptionMs,
    fanout_cpu_vs_bare_ratio: fanout.many.cpuPerCaptionMs / bare.cpuPerCaptionMs,
    fanout_bare_msgpack_first_chunk_p95_ms: p95(bareMsgpack),
    fanout_bare_msgpack_cpu_per_caption_ms: bareMsgpack.cpuPerCaptionMs,
    fanout_deliveries: fanout.many.firstChunkDelaysMs.length,
    ...chunking(fanout.single.recordings),
    rss_fanout_1000_peak_mb: Math.round(fanout.peakMb),
    rss_idle_mb: Math.round(footprint.idleMb),
    rss_idle_cloud_engine_mb: Math.round(cloudIdleRssMb),
    rss_burst_peak_mb: Math.round(footprint.burstPeakMb),
    ...soakFigures,
  };
}

/**
 * The smallest margin, over a caption's later chunks, between a chunk reaching socket 0 and the
 * moment the overlay must play it (playback starting as the first chunk arrives, lead 0):
 * negative = that chunk would come late (an underrun).
 */
function minSlackMs(recordings: RecordedEvent[][]): number {
  const slacks = recordings.flatMap((events) => {
    const chunks = events.filter((e) => e.event === 'audio:chunk');
    const startMs = chunks[0]?.atMs ?? 0;
    // The first chunk starts playback (margin 0 by definition); the later ones must keep ahead of it.
    return chunks.slice(1).map((c) => (c.data as { offsetMs: number }).offsetMs - (c.atMs - startMs));
  });
  return Math.min(...slacks);
}

/** Chunk lengths after the first one, measured against the default (200 ms) in the same run. */
const CHUNK_SWEEP_MS = [100, 200, 300, 400] as const;

/**
 * `RELAY_AUDIO_CHUNK_MS` 100–400 ms on a fresh relay each, 1,000 sockets: events and CPU per
 * caption, first-chunk p95 and the smallest playback margin of any chunk (the overlay starts
 * with a lead of 0, so a chunk must arrive before its offset).
 */
export async function benchChunkSweep(options: FanoutOptions = {}): Promise<Record<string, number>> {
  const nodeFlags = options.nodeFlags ?? NODE_FLAGS;
  const rows = new Map<number, Round>();
  for (const chunkMs of CHUNK_SWEEP_MS) {
    rows.set(chunkMs, await withRelay(nodeFlags, (relay) => relayRound(relay, FANOUT_SOCKETS), { RELAY_AUDIO_CHUNK_MS: String(chunkMs) }));
  }
  const base = rows.get(200)!;
  const figures: Record<string, number> = {};
  for (const [chunkMs, r] of rows) {
    figures[`chunk${chunkMs}_events_per_caption`] = chunking(r.recordings).chunk_events_per_caption!;
    figures[`chunk${chunkMs}_cpu_per_caption_ms`] = r.cpuPerCaptionMs;
    figures[`chunk${chunkMs}_cpu_vs_200_ratio`] = r.cpuPerCaptionMs / base.cpuPerCaptionMs;
    figures[`chunk${chunkMs}_first_chunk_p95_ms`] = percentile(r.firstChunkDelaysMs, 95);
    figures[`chunk${chunkMs}_min_slack_ms`] = Math.round(minSlackMs(r.recordings));
  }
  return figures;
}
