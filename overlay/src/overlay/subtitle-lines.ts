/**
 * The live subtitles of the streamer's own voice (ASR): shown, not spoken. Each recognized
 * sentence is one line (id): the original text with its translation under it. A partial
 * replaces the text of its line in place (the next frame paints it); a final settles the
 * line, which fades out `holdMs` later. At most `maxLines` are on screen: a new line pushes
 * the oldest out (faded). While a readout is on screen only the newest line shows (spoken
 * captions keep priority). Text only ever goes in through textContent.
 */
export interface SubtitleLineView {
  id: string;
  text: string;
  final: boolean;
  translation?: { lang: string; text: string };
}

export interface SubtitleLinesOptions {
  maxLines: number;
  holdMs: number;
  showTranslation: boolean;
  /** How long a leaving line takes to fade (its CSS transition). */
  fadeMs?: number;
}

interface Line {
  el: HTMLElement;
  original: HTMLElement;
  translation: HTMLElement;
  clearTimer?: ReturnType<typeof setTimeout>;
}

export class SubtitleLines {
  private readonly lines = new Map<string, Line>();
  private opts: Required<SubtitleLinesOptions>;

  constructor(
    private readonly box: HTMLElement,
    options: SubtitleLinesOptions,
  ) {
    this.opts = { fadeMs: 300, ...options };
  }

  configure(options: Omit<SubtitleLinesOptions, 'fadeMs'>): void {
    this.opts = { ...this.opts, ...options };
    for (const line of this.lines.values()) line.translation.hidden = !this.opts.showTranslation || line.translation.textContent === '';
    this.trim();
  }

  show(e: SubtitleLineView): void {
    let line = this.lines.get(e.id);
    if (!line) {
      line = this.create(e.id);
      this.lines.set(e.id, line);
      this.box.append(line.el);
    }
    clearTimeout(line.clearTimer);
    line.original.textContent = e.text;
    line.translation.textContent = e.translation?.text ?? '';
    if (e.translation) line.translation.lang = e.translation.lang;
    line.translation.hidden = !this.opts.showTranslation || !e.translation?.text;
    line.el.dataset.final = String(e.final);
    line.el.hidden = e.text === '' && !e.translation?.text;
    if (e.final) line.clearTimer = setTimeout(() => this.remove(e.id), this.opts.holdMs);
    this.trim();
    this.updateBox();
  }

  /** Removes every line at once (subtitles muted). */
  clear(): void {
    for (const [id] of this.lines) this.remove(id, false);
  }

  private create(id: string): Line {
    const el = document.createElement('div');
    el.className = 'sub';
    el.dataset.id = id;
    const original = document.createElement('span');
    original.className = 'original';
    const translation = document.createElement('span');
    translation.className = 'translation';
    el.append(original, translation);
    return { el, original, translation };
  }

  private trim(): void {
    while (this.lines.size > this.opts.maxLines) this.remove(this.lines.keys().next().value as string);
  }

  private remove(id: string, fade = true): void {
    const line = this.lines.get(id);
    if (!line) return;
    clearTimeout(line.clearTimer);
    this.lines.delete(id);
    if (!fade) {
      line.el.remove();
    } else {
      line.el.classList.add('leaving');
      setTimeout(() => line.el.remove(), this.opts.fadeMs);
    }
    this.updateBox();
  }

  private updateBox(): void {
    this.box.hidden = ![...this.lines.values()].some((l) => !l.el.hidden);
  }
}
