/**
 * The live subtitle line (ASR feed): shown, not spoken. A partial replaces the line at
 * once (the next frame paints it); a final line stays `holdMs`, then clears unless a
 * newer line replaced it. Text only ever goes in through textContent.
 */
export class LiveLine {
  private currentId: string | null = null;
  private clearTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly el: HTMLElement,
    private readonly holdMs: number,
  ) {}

  show(id: string, text: string, final: boolean): void {
    clearTimeout(this.clearTimer);
    this.currentId = id;
    this.el.textContent = text;
    this.el.hidden = text.length === 0;
    if (final) this.clearTimer = setTimeout(() => this.clear(id), this.holdMs);
  }

  private clear(id: string): void {
    if (this.currentId !== id) return;
    this.currentId = null;
    this.el.textContent = '';
    this.el.hidden = true;
  }
}
