/**
 * The overlay style editor's live preview: the real overlay page in preview mode
 * (`/overlay?key=…&preview=1`: no socket, no acks, a sample caption) in an iframe scaled
 * from 1920×1080 to the box; every edit of the style form is posted to it (same origin).
 */
import { STYLE_PREVIEW_MESSAGE, type StylePreviewMessage } from '../../lib/style-preview-message.ts';
import { init$ } from '../connection.ts';
import { byId } from '../../lib/dom.ts';

const OVERLAY_WIDTH_PX = 1920;

export class StylePreview {
  private readonly frame = byId<HTMLIFrameElement>('style-preview');
  private draft: Record<string, string> = {};

  constructor() {
    const box = this.frame.parentElement!;
    new ResizeObserver(() => (this.frame.style.transform = `scale(${box.clientWidth / OVERLAY_WIDTH_PX})`)).observe(box);
    this.frame.addEventListener('load', () => this.post());
    init$.subscribe((init) => {
      if (!init) return;
      const src = `${init.overlayPath}&preview=1`;
      if (this.frame.getAttribute('src') !== src) this.frame.src = src;
      byId<HTMLInputElement>('overlay-url').value = new URL(init.overlayPath, location.origin).href;
    });
  }

  /** Shows a style as edited (not saved yet). */
  show(draft: Record<string, unknown>): void {
    this.draft = Object.fromEntries(Object.entries(draft).filter((e): e is [string, string] => typeof e[1] === 'string'));
    this.post();
  }

  private post(): void {
    const message: StylePreviewMessage = { type: STYLE_PREVIEW_MESSAGE, style: this.draft };
    this.frame.contentWindow?.postMessage(message, location.origin);
  }
}
