/**
 * Web Audio side of the overlay: one AudioContext, PCM chunks decoded into AudioBuffers and
 * started at the exact context times the jitter buffer decides (no per-chunk fades: chunks
 * are contiguous by construction, so sample-accurate starts are gapless).
 *
 * Graph: sources → master gain (volume) → analyser (level tap for stats/tests) → destination.
 */
import type { ScheduleOp } from '../lib/jitter-buffer.ts';

export interface DecodedChunk {
  buffer: AudioBuffer;
  durationMs: number;
}

export class AudioPlayer {
  readonly ctx: AudioContext;
  private readonly master: GainNode;
  private readonly analyser: AnalyserNode;
  private readonly levelData: Float32Array<ArrayBuffer>;
  private readonly buffers = new Map<string, Map<number, AudioBuffer>>();
  private readonly sources = new Map<string, Set<AudioBufferSourceNode>>();

  constructor(volume: number) {
    this.ctx = new AudioContext({ latencyHint: 'interactive' });
    this.master = this.ctx.createGain();
    this.master.gain.value = volume;
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    this.levelData = new Float32Array(this.analyser.fftSize);
    this.master.connect(this.analyser);
    this.analyser.connect(this.ctx.destination);
  }

  now(): number {
    return this.ctx.currentTime;
  }

  /** Seconds between rendering a sample and hearing it. */
  outputLatencySec(): number {
    const l = (this.ctx.outputLatency || 0) + (this.ctx.baseLatency || 0);
    return Number.isFinite(l) && l > 0 && l < 1 ? l : 0;
  }

  /** int16 LE mono PCM → AudioBuffer at the utterance's own rate (Web Audio resamples). */
  decode(pcm: unknown, sampleRateHz: number): DecodedChunk | null {
    const bytes = toBytes(pcm);
    if (!bytes) return null;
    const samples = bytes.byteLength >> 1;
    if (samples === 0) return null;
    const buffer = this.ctx.createBuffer(1, samples, sampleRateHz);
    const data = buffer.getChannelData(0);
    const view = new DataView(bytes.buffer, bytes.byteOffset, samples * 2);
    for (let i = 0; i < samples; i++) data[i] = view.getInt16(i * 2, true) / 32768;
    return { buffer, durationMs: (samples * 1000) / sampleRateHz };
  }

  store(id: string, seq: number, buffer: AudioBuffer): void {
    let m = this.buffers.get(id);
    if (!m) this.buffers.set(id, (m = new Map()));
    m.set(seq, buffer);
  }

  apply(ops: readonly ScheduleOp[]): void {
    for (const op of ops) {
      if (op.op === 'stop') this.stopSources(op.id);
      else this.startChunk(op.id, op.seq, op.atSec);
    }
  }

  /** Stop everything of an utterance and free its buffers. */
  forget(id: string): void {
    this.stopSources(id);
    this.buffers.delete(id);
  }

  /** Number of sources currently scheduled or playing. */
  liveSources(): number {
    let n = 0;
    for (const s of this.sources.values()) n += s.size;
    return n;
  }

  /** Peak absolute sample value in the analyser's latest window (0..1+). */
  peakLevel(): number {
    this.analyser.getFloatTimeDomainData(this.levelData);
    let peak = 0;
    for (const v of this.levelData) {
      const a = Math.abs(v);
      if (a > peak) peak = a;
    }
    return peak;
  }

  /**
   * Wall-clock time (Date.now() scale, ms) at which the sample scheduled at context time
   * `ctxSec` leaves the speakers, using the output timestamp (includes output latency).
   */
  wallClockAt(ctxSec: number): number {
    const ts = typeof this.ctx.getOutputTimestamp === 'function' ? this.ctx.getOutputTimestamp() : undefined;
    if (ts && ts.contextTime !== undefined && ts.performanceTime !== undefined && ts.performanceTime > 0) {
      return Date.now() + (ts.performanceTime - performance.now()) + (ctxSec - ts.contextTime) * 1000;
    }
    return Date.now() + (ctxSec - this.ctx.currentTime + this.outputLatencySec()) * 1000;
  }

  async close(): Promise<void> {
    for (const id of [...this.sources.keys()]) this.forget(id);
    await this.ctx.close();
  }

  private startChunk(id: string, seq: number, atSec: number): void {
    const buffer = this.buffers.get(id)?.get(seq);
    if (!buffer) return;
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.master);
    let set = this.sources.get(id);
    if (!set) this.sources.set(id, (set = new Set()));
    set.add(src);
    src.onended = () => {
      src.disconnect();
      this.sources.get(id)?.delete(src);
      if (this.sources.get(id)?.size === 0) this.sources.delete(id);
    };
    src.start(atSec);
  }

  private stopSources(id: string): void {
    const set = this.sources.get(id);
    if (!set) return;
    this.sources.delete(id);
    for (const src of set) {
      src.onended = null;
      try {
        src.stop();
      } catch {
        // already stopped
      }
      src.disconnect();
    }
  }
}

function toBytes(pcm: unknown): Uint8Array | null {
  if (pcm instanceof ArrayBuffer) return new Uint8Array(pcm);
  if (ArrayBuffer.isView(pcm)) return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  return null;
}
