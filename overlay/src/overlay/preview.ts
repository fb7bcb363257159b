/**
 * Preview mode (`?preview=1`, the panel's style editor): no socket, no audio, no acks — the
 * queue cannot notice it. Shows a sample caption whose highlight walks through its words,
 * styled by the drafts the panel posts (same origin only), checked like URL parameters.
 */
import type { TimedWord } from '../../../server/src/core/types.ts';
import { parseOverlayParams } from '../lib/overlay-params.ts';
import { STYLE_PREVIEW_MESSAGE, type StylePreviewMessage } from '../lib/style-preview-message.ts';
import type { CaptionView } from './caption-view.ts';
import type { OverlayStyleView } from './style-view.ts';

const SAMPLE_WORDS = ['你好', '欢迎', '来到', '直播间', 'Thanks', 'for', 'the', 'follow'];
const SAMPLE_TEXT = '你好，欢迎来到直播间！Thanks for the follow.';
const WORD_MS = 450;
const PAUSE_MS = 1200;

const sampleWords: TimedWord[] = SAMPLE_WORDS.map((text, i) => ({ text, startMs: i * WORD_MS, endMs: (i + 1) * WORD_MS }));
const cycleMs = SAMPLE_WORDS.length * WORD_MS + PAUSE_MS;

declare global {
  interface Window {
    /** For tests: the rejected parameters of the last applied draft. */
    __overlayPreview?: { drafts: number; rejected: string[] };
  }
}

export function startPreview(view: CaptionView, style: OverlayStyleView, isColor: (v: string) => boolean): void {
  const state = { drafts: 0, rejected: [] as string[] };
  window.__overlayPreview = state;
  view.show({ id: 'preview', text: SAMPLE_TEXT, user: 'viewer', words: sampleWords });

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (event.origin !== location.origin || event.source !== window.parent) return;
    const data = event.data as Partial<StylePreviewMessage> | null;
    if (data?.type !== STYLE_PREVIEW_MESSAGE || typeof data.style !== 'object' || data.style === null) return;
    const { params, rejected } = parseOverlayParams(location.search, isColor, data.style);
    style.apply(params);
    state.drafts += 1;
    state.rejected = rejected;
  });

  const onFrame = (): void => {
    view.update(performance.now() % cycleMs);
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
}
