/**
 * The subtitle line: words as spans (class `word`, `data-state` spoken | current | upcoming,
 * plus classes `spoken` / `current` for styling), built with
 * createElement + textContent only — caption text is never parsed as markup.
 */
import type { TimedWord } from '../../../server/src/core/types.ts';
import { currentWordIndex, layoutWords, pageRange, pageSegments } from '../lib/word-layout.ts';

export interface CaptionContent {
  id: string;
  text: string;
  user: string;
  words: TimedWord[];
}

export class CaptionView {
  private content: CaptionContent | null = null;
  /** Shown word spans with the cue words each one stands for. */
  private wordSpans: { index: number; last: number; span: HTMLSpanElement }[] = [];
  private renderedWords = -1;
  private renderedPage: [number, number] = [0, 0];
  private current = -2;

  constructor(
    private readonly box: HTMLElement,
    private readonly userEl: HTMLElement,
    private readonly lineEl: HTMLElement,
    private maxWords: number,
    private showUser: boolean,
  ) {}

  /** New layout settings (a style change): the shown caption is laid out again. */
  configure(options: { maxWords: number; showUser: boolean }): void {
    this.maxWords = options.maxWords;
    this.showUser = options.showUser;
    if (this.content) this.show(this.content);
  }

  get shownId(): string | null {
    return this.content?.id ?? null;
  }

  show(content: CaptionContent): void {
    this.content = content;
    this.renderedWords = -1;
    this.current = -2;
    this.userEl.textContent = this.showUser && content.user ? `${content.user}: ` : '';
    this.userEl.hidden = !(this.showUser && content.user);
    this.box.dataset.id = content.id;
    this.box.hidden = false;
    this.box.parentElement?.classList.add('reading');
    this.update(-1);
  }

  /** Cue words changed for the shown utterance. */
  wordsChanged(): void {
    this.renderedWords = -1;
  }

  /** Highlight for the utterance position (ms on its audio clock; Infinity = all spoken). */
  update(positionMs: number): void {
    const c = this.content;
    if (!c) return;
    const cur = positionMs === Infinity ? c.words.length : currentWordIndex(c.words, positionMs);
    const page = pageRange(c.words.length, Math.min(cur, c.words.length - 1), this.maxWords);
    if (this.renderedWords !== c.words.length || page[0] !== this.renderedPage[0] || page[1] !== this.renderedPage[1]) {
      this.build(c, page);
      this.current = -2;
    }
    if (cur === this.current) return;
    this.current = cur;
    for (const { index, last, span } of this.wordSpans) {
      const state = last < cur ? 'spoken' : index <= cur ? 'current' : 'upcoming';
      if (span.dataset.state === state) continue;
      span.dataset.state = state;
      span.classList.toggle('spoken', state === 'spoken');
      span.classList.toggle('current', state === 'current');
    }
  }

  clear(): void {
    this.content = null;
    this.wordSpans = [];
    this.renderedWords = -1;
    this.box.hidden = true;
    this.box.parentElement?.classList.remove('reading');
    delete this.box.dataset.id;
    this.lineEl.replaceChildren();
    this.userEl.textContent = '';
  }

  private build(c: CaptionContent, page: [number, number]): void {
    this.renderedWords = c.words.length;
    this.renderedPage = page;
    this.wordSpans = [];
    const nodes: Node[] = [];
    for (const seg of pageSegments(layoutWords(c.text, c.words), c.words.length, page)) {
      if (seg.kind === 'gap') {
        nodes.push(document.createTextNode(seg.text));
        continue;
      }
      const span = document.createElement('span');
      span.textContent = seg.text;
      if (seg.kind === 'tail') {
        span.className = c.words.length ? 'tail' : 'tail plain';
      } else {
        span.className = 'word';
        span.dataset.i = String(seg.index);
        span.dataset.state = 'upcoming';
        this.wordSpans.push({ index: seg.index, last: seg.last, span });
      }
      nodes.push(span);
    }
    this.lineEl.replaceChildren(...nodes);
  }
}
