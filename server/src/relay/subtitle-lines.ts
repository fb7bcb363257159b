/**
 * Subtitle lines (the streamer's recognized voice, ASR feeds) on their way to the sinks:
 * shown, never voiced by themselves. The streamer can mute them at once (the overlays get
 * `subtitle:clear`, nothing more goes out until unmuted); the last `keepFinals` finals are
 * kept for the panel's live transcript, which `changes$` tells about.
 */
import { Subject } from 'rxjs';
import type { OverlayEvent, SubtitleLineEvent, SubtitlesChange, SubtitlesState } from '../core/protocol.ts';
import type { SubtitleLine } from '../core/source.ts';

export class SubtitleLines {
  private muted = false;
  private readonly finals: SubtitleLineEvent[] = [];
  private partial: SubtitleLineEvent | undefined;
  private readonly changes = new Subject<SubtitlesChange>();
  /** Every change of state(), whoever made it (a source, the panel, the HTTP API). */
  readonly changes$ = this.changes.asObservable();

  constructor(
    private readonly emit: (event: OverlayEvent) => void,
    private readonly keepFinals = 20,
  ) {}

  show(line: SubtitleLine): void {
    const event = toEvent(line);
    if (event.final) {
      this.finals.push(event);
      if (this.finals.length > this.keepFinals) this.finals.shift();
      if (this.partial?.id === event.id) this.partial = undefined;
    } else {
      this.partial = event;
    }
    if (!this.muted) this.emit({ type: 'subtitle:line', data: event });
    this.changes.next('line');
  }

  mute(muted: boolean): void {
    if (muted === this.muted) return;
    this.muted = muted;
    if (muted) this.emit({ type: 'subtitle:clear', data: { reason: 'muted' } });
    this.changes.next('mute');
  }

  /** The most recent lines, oldest first: finals, then the partial in progress if any. */
  state(): SubtitlesState {
    return { muted: this.muted, recent: this.partial ? [...this.finals, this.partial] : [...this.finals] };
  }
}

function toEvent(line: SubtitleLine): SubtitleLineEvent {
  return {
    id: line.messageId,
    text: line.text,
    final: line.final,
    ...(line.lang !== undefined && { lang: line.lang }),
    ...(line.words !== undefined && { words: line.words }),
    ...(line.translation !== undefined && { translation: line.translation }),
    ...(line.startedAtMs !== undefined && { startedAtMs: line.startedAtMs }),
    ...(line.durationMs !== undefined && { durationMs: line.durationMs }),
  };
}
