/**
 * The Live tab's subtitles card: recognition state (from health), the live transcript of the
 * streamer's voice with its translation, the latency and minutes recognized, and the mute
 * switch (instant: the overlays clear at once). Text goes in as text only.
 */
import type { RecognitionStatus } from '../../../server/src/core/audio-ingest.ts';
import type { SubtitlesState } from '../../../server/src/core/protocol.ts';
import { byId, setText } from '../lib/dom.ts';
import { transcriptItem } from '../lib/transcript-item.ts';
import { command, currentToken, health$, subtitles$ } from './connection.ts';
import type { LabelKey } from './i18n.ts';
import { lang$, t, tf } from './lang.ts';
import { run } from './notice.ts';

function renderState(recognition: RecognitionStatus | undefined, muted: boolean): void {
  const state = recognition?.state ?? 'off';
  const pill = byId('sub-state');
  pill.dataset.state = muted ? 'muted' : state;
  const model = recognition?.model ? ` · ${recognition.model}${recognition.translateTo?.length ? ` → ${recognition.translateTo.join(', ')}` : ''}` : '';
  setText(pill, muted ? t('sub.muted') : `${t(`cap.rec.${state}` as LabelKey)}${model}`);
  setText(byId('sub-mute'), t(muted ? 'sub.unmute' : 'sub.mute'));
  const latency = recognition?.finalLatencyMs === undefined ? '–' : `${(recognition.finalLatencyMs / 1000).toFixed(1)} s`;
  setText(byId('sub-figures'), tf('sub.figures', { latency, minutes: ((recognition?.audioSentMs ?? 0) / 60_000).toFixed(1) }));
}

function renderLines({ recent }: SubtitlesState): void {
  const list = byId<HTMLOListElement>('sub-lines');
  list.replaceChildren(...recent.slice(-12).map(transcriptItem));
  byId('sub-empty').hidden = recent.length > 0;
}

export function setUpSubtitles(): void {
  const state = () => renderState(health$.value?.recognition, subtitles$.value.muted);
  // Health comes every second: it only changes the state line; the transcript follows its own pushes.
  health$.subscribe(state);
  subtitles$.subscribe((subtitles) => {
    state();
    renderLines(subtitles);
  });
  lang$.subscribe(state);
  const mute = byId<HTMLButtonElement>('sub-mute');
  mute.addEventListener('click', () => void run(mute, () => command('subtitles:mute', { muted: !subtitles$.value.muted })));
  // The captioner logs in with the panel's token (kept in this browser).
  byId('sub-captioner').addEventListener('click', (ev) => {
    const token = currentToken();
    if (!token) return;
    ev.preventDefault();
    window.open(`/captioner#token=${encodeURIComponent(token)}`, '_blank', 'noopener');
  });
}
