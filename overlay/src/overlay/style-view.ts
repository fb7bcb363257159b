/**
 * Puts the overlay's style parameters on the page: CSS variables, position/alignment classes,
 * font and size on the caption boxes, layout on the caption view. Values are already
 * validated (overlay-params.ts) and only ever set through style properties and class names.
 */
import type { OverlayParams } from '../lib/overlay-params.ts';
import type { CaptionView } from './caption-view.ts';
import type { SubtitleLines } from './subtitle-lines.ts';

export interface StyledElements {
  root: HTMLElement;
  stage: HTMLElement;
  /** The caption box and the live (ASR) subtitles. */
  boxes: HTMLElement[];
  /** The live (ASR) subtitles' box. */
  subtitleBox: HTMLElement;
}

export class OverlayStyleView {
  constructor(
    private readonly els: StyledElements,
    private readonly view: CaptionView,
    private readonly subtitles: SubtitleLines,
  ) {}

  apply(params: OverlayParams): void {
    const { root, stage, boxes } = this.els;
    root.style.setProperty('--caption-color', params.color);
    root.style.setProperty('--caption-highlight', params.highlight);
    root.style.setProperty('--caption-spoken', params.spoken);
    root.style.setProperty('--caption-bg', params.bg);
    for (const name of [...stage.classList]) if (/^(pos|align)-/.test(name)) stage.classList.remove(name);
    stage.classList.add(`pos-${params.position}`, `align-${params.align}`);
    for (const box of boxes) {
      // The chosen font first; Chinese falls back to the CJK stack (style.css) on machines without it.
      box.style.fontFamily = `${params.font}, var(--cjk-fonts)`;
      box.style.fontSize = `${params.sizePx}px`;
      box.classList.toggle('shadow', params.shadow);
    }
    root.style.setProperty('--subtitle-color', params.subtitleColor);
    root.style.setProperty('--subtitle-size', `${params.subtitleSize}px`);
    root.style.setProperty('--translation-color', params.translationColor);
    root.style.setProperty('--translation-size', `${params.translationSize}px`);
    this.els.subtitleBox.classList.toggle('off', !params.subtitles);
    this.view.configure({ maxWords: params.maxWords, showUser: params.showUser });
    this.subtitles.configure({ maxLines: params.subtitleLines, holdMs: params.subtitleHoldMs, showTranslation: params.translation });
  }
}
