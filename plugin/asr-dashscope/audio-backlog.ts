/**
 * The session's audio between the writer and the upstream: whole 100 ms frames numbered on
 * the session's clock (frame i covers [i·100, i·100+100) ms), kept until a result
 * acknowledges them so a new task can be replayed what the last one had not finished. Bounded:
 * beyond `maxFrames` the oldest frame is dropped and counted, sent or not.
 */
import { RECOGNIZER_FRAME_BYTES, RECOGNIZER_FRAME_MS } from '../../server/src/core/recognizer.ts';

export interface BackloggedFrame {
  readonly index: number;
  readonly pcm: Uint8Array;
  /** The audio it holds (100 ms, less for the short last frame). */
  readonly durationMs: number;
  readonly writtenAtMs: number;
  /** When it was last sent upstream (undefined: not yet, or rewound for a replay). */
  sentAtMs: number | undefined;
}

export class AudioBacklog {
  private readonly frames: BackloggedFrame[] = [];
  /** Position in `frames` of the next frame to send. */
  private cursor = 0;
  private partial = new Uint8Array(RECOGNIZER_FRAME_BYTES);
  private partialBytes = 0;
  private nextIndex = 0;
  droppedFrames = 0;
  writtenBytes = 0;

  constructor(private readonly maxFrames: number) {}

  /** Append audio of any length; returns the frames completed by it. */
  write(pcm: Uint8Array, nowMs: number): number {
    this.writtenBytes += pcm.length;
    let offset = 0;
    let completed = 0;
    while (offset < pcm.length) {
      const take = Math.min(RECOGNIZER_FRAME_BYTES - this.partialBytes, pcm.length - offset);
      this.partial.set(pcm.subarray(offset, offset + take), this.partialBytes);
      this.partialBytes += take;
      offset += take;
      if (this.partialBytes === RECOGNIZER_FRAME_BYTES) {
        this.push(this.partial, nowMs);
        this.partial = new Uint8Array(RECOGNIZER_FRAME_BYTES);
        this.partialBytes = 0;
        completed += 1;
      }
    }
    return completed;
  }

  /** The incomplete last frame as a short frame (at the end of a session). */
  flushPartial(nowMs: number): void {
    if (this.partialBytes === 0) return;
    this.push(this.partial.slice(0, this.partialBytes - (this.partialBytes % 2)), nowMs);
    this.partialBytes = 0;
  }

  private push(pcm: Uint8Array, nowMs: number): void {
    const durationMs = (pcm.length / RECOGNIZER_FRAME_BYTES) * RECOGNIZER_FRAME_MS;
    this.frames.push({ index: this.nextIndex++, pcm, durationMs, writtenAtMs: nowMs, sentAtMs: undefined });
    while (this.frames.length > this.maxFrames) {
      this.frames.shift();
      this.droppedFrames += 1;
      this.cursor = Math.max(0, this.cursor - 1);
    }
  }

  /** The next frame to send, marked sent; undefined when everything is sent. */
  takeNext(nowMs: number): BackloggedFrame | undefined {
    const frame = this.frames[this.cursor];
    if (!frame) return undefined;
    this.cursor += 1;
    frame.sentAtMs = nowMs;
    return frame;
  }

  get unsentFrames(): number {
    return this.frames.length - this.cursor;
  }

  /** Forget frames before `index` (a result covered them). */
  ackBefore(index: number): void {
    let drop = 0;
    while (drop < this.frames.length && this.frames[drop]!.index < index && drop < this.cursor) drop += 1;
    this.frames.splice(0, drop);
    this.cursor -= drop;
  }

  /** Forget frames sent before `sentBeforeMs` (silence: no sentence came of them). */
  ackSentBefore(sentBeforeMs: number): void {
    let drop = 0;
    while (drop < this.cursor) {
      const frame = this.frames[drop]!;
      if (frame.sentAtMs === undefined || frame.sentAtMs >= sentBeforeMs) break;
      drop += 1;
    }
    this.frames.splice(0, drop);
    this.cursor -= drop;
  }

  /** Send everything kept again, from the oldest unacknowledged frame (a new task). Returns the frames to replay. */
  rewind(): number {
    const replay = this.cursor;
    for (let i = 0; i < this.cursor; i++) this.frames[i]!.sentAtMs = undefined;
    this.cursor = 0;
    return replay;
  }

  /** When the frame holding session time `ms` was written (for the final latency), if still kept. */
  writtenAtOf(ms: number): number | undefined {
    const index = Math.floor(ms / RECOGNIZER_FRAME_MS);
    const first = this.frames[0];
    if (!first) return undefined;
    return this.frames[index - first.index]?.writtenAtMs;
  }
}
