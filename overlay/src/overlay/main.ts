/**
 * The OBS browser-source overlay page: reads and validates its parameters, styles the
 * caption, then runs live (socket, audio, acks: live.ts) or, with `?preview=1`, as the
 * panel's style preview (no connection at all: preview.ts).
 */
import { parseOverlayParams } from '../lib/overlay-params.ts';
import { CaptionView } from './caption-view.ts';
import { startLive } from './live.ts';
import { startPreview } from './preview.ts';
import { OverlayStyleView } from './style-view.ts';
import { SubtitleLines } from './subtitle-lines.ts';

export type { OverlayStats } from './live.ts';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`overlay page is missing #${id}`);
  return el as T;
};

const isColor = (v: string): boolean => CSS.supports('color', v);
const { params, rejected } = parseOverlayParams(location.search, isColor);

const box = $('caption');
const subtitleBox = $('live-line');
const view = new CaptionView(box, $('caption-user'), $('caption-line'), params.maxWords, params.showUser);
const subtitles = new SubtitleLines(subtitleBox, { maxLines: params.subtitleLines, holdMs: params.subtitleHoldMs, showTranslation: params.translation });
const style = new OverlayStyleView({ root: document.documentElement, stage: $('stage'), boxes: [box, subtitleBox], subtitleBox }, view, subtitles);
style.apply(params);
const debugEl = $('debug');
debugEl.hidden = !params.debug;

if (params.preview) {
  startPreview(view, style, isColor);
} else {
  startLive({
    params,
    rejected,
    isColor,
    view,
    style,
    subtitles,
    statusEl: $('status'),
    debugEl,
    enableButton: $<HTMLButtonElement>('enable-audio'),
  });
}
