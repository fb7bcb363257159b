/**
 * The captioner page (`/captioner`): token login like the panel, then a microphone (device
 * picker, level meter, mute, start/stop) streamed as 16 kHz int16 100 ms frames to
 * `WS /ingest/audio`; the relay recognizes it and answers with its state and the lines it
 * recognized. `#token=…&autostart=1` starts at once with the default device (OBS docks, tests).
 */
import type { AudioIngestMessage, RecognitionState, RecognitionStatus } from '../../../server/src/core/audio-ingest.ts';
import { RECOGNIZER_FRAME_MS } from '../../../server/src/core/recognizer.ts';
import { byId, setText } from '../lib/dom.ts';
import { load, store } from '../lib/storage.ts';
import { TOKEN_KEY, tokenFromUrl } from '../lib/token-from-url.ts';
import type { LabelKey } from '../panel/i18n.ts';
import { applyLabels, lang$, t, toggleLang } from '../panel/lang.ts';
import { AudioLink, type LinkState } from './audio-link.ts';
import { listMics, MicCapture } from './mic-capture.ts';
import { TranscriptView } from './transcript-view.ts';

declare global {
  interface Window {
    /** For tests and curious streamers: what the captioner is doing. */
    __captionerStats?: { link: LinkState; recognition: RecognitionState; sentFrames: number; droppedFrames: number; lines: number; muted: boolean };
  }
}

const autostart = new URLSearchParams(location.hash.replace(/^#/, '')).get('autostart') === '1';
let token: string | null = null;
let link: AudioLink | null = null;
let mic: MicCapture | null = null;
let muted = false;
let linkState: LinkState = 'closed';
let recognition: RecognitionState = 'idle';
let errorKey: LabelKey | null = null;
let errorDetail = '';
const transcript = new TranscriptView(byId<HTMLOListElement>('transcript'), byId('no-transcript'));

function showError(key: LabelKey | null, detail = ''): void {
  errorKey = key;
  errorDetail = detail;
  const el = byId('error');
  el.textContent = key ? `${t(key)}${detail ? `: ${detail}` : ''}` : detail;
  el.hidden = key === null && detail === '';
}

function render(): void {
  const linkEl = byId('link');
  linkEl.dataset.state = linkState;
  setText(linkEl, muted && linkState === 'open' ? t('cap.muted') : t(`cap.link.${linkState}` as LabelKey));
  const recEl = byId('rec');
  recEl.dataset.state = recognition;
  setText(recEl, t(`cap.rec.${recognition}` as LabelKey));
  const running = mic !== null;
  setText(byId('start'), t(running ? 'cap.stop' : 'cap.start'));
  byId<HTMLButtonElement>('mute').disabled = !running;
  setText(byId('mute'), t(muted ? 'cap.unmute' : 'cap.mute'));
  setText(byId('sent'), `${(((link?.sentFrames ?? 0) * RECOGNIZER_FRAME_MS) / 1000).toFixed(1)} s`);
  setText(byId('dropped'), String(link?.droppedFrames ?? 0));
  window.__captionerStats = {
    link: linkState,
    recognition,
    sentFrames: link?.sentFrames ?? 0,
    droppedFrames: link?.droppedFrames ?? 0,
    lines: transcript.lineCount,
    muted,
  };
}

function onMessage(message: AudioIngestMessage): void {
  if (message.type === 'state') recognition = message.state;
  else if (message.type === 'line') transcript.show(message);
  else showError(null, `${message.error.code}: ${message.error.message}`);
  render();
}

async function fillDevices(): Promise<void> {
  const select = byId<HTMLSelectElement>('device');
  const chosen = select.value;
  const mics = await listMics().catch(() => []);
  select.replaceChildren(new Option(t('cap.defaultDevice'), ''), ...mics.filter((m) => m.deviceId !== 'default' && m.deviceId !== '').map((m) => new Option(m.label, m.deviceId)));
  select.value = mics.some((m) => m.deviceId === chosen) ? chosen : '';
}

async function start(): Promise<void> {
  if (mic || !token) return;
  // The relay refuses audio while recognition is off (503): say so instead of retrying.
  if (recognition === 'off') return showError('cap.rec.off');
  showError(null);
  const current = new AudioLink({
    token,
    onState: (state) => {
      linkState = state;
      render();
    },
    onMessage,
  });
  link = current;
  try {
    mic = await MicCapture.open(byId<HTMLSelectElement>('device').value, {
      onFrame: (pcm) => {
        if (!muted) current.send(pcm);
        render();
      },
      onLevel: (peak) => (byId<HTMLMeterElement>('level').value = peak),
      onEnded: () => void stop(),
    });
  } catch (error) {
    link = null;
    const name = (error as DOMException)?.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') showError('cap.micDenied');
    else if (name === 'NotFoundError' || name === 'OverconstrainedError') showError('cap.micMissing');
    else showError('cap.micFailed', String((error as Error)?.message ?? error));
    render();
    return;
  }
  current.start();
  await fillDevices(); // labels are only visible once the permission is granted
  render();
}

async function stop(): Promise<void> {
  const m = mic;
  mic = null;
  link?.stop();
  muted = false;
  byId<HTMLMeterElement>('level').value = 0;
  render();
  await m?.close();
}

async function login(newToken: string): Promise<void> {
  const res = await fetch('/api/captioner', { headers: { authorization: `Bearer ${newToken}` } }).catch(() => null);
  if (res?.status === 401) {
    store(TOKEN_KEY, null);
    showError('unauthorized');
    showLoggedIn(false);
    return;
  }
  token = newToken;
  store(TOKEN_KEY, newToken);
  if (res?.ok) recognition = ((await res.json()) as { recognition: RecognitionStatus }).recognition.state;
  showError(null);
  showLoggedIn(true);
  await fillDevices();
  render();
  if (autostart) await start();
}

function showLoggedIn(loggedIn: boolean): void {
  byId('login').hidden = loggedIn;
  byId('app').hidden = !loggedIn;
  byId('logout').hidden = !loggedIn;
}

byId('start').addEventListener('click', () => void (mic ? stop() : start()));
byId('mute').addEventListener('click', () => {
  muted = !muted;
  render();
});
byId('login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = byId<HTMLInputElement>('token');
  const value = input.value.trim();
  input.value = '';
  if (value) void login(value);
});
byId('logout').addEventListener('click', () => {
  void stop();
  token = null;
  store(TOKEN_KEY, null);
  showLoggedIn(false);
});
byId('lang').addEventListener('click', toggleLang);
lang$.subscribe(() => {
  applyLabels();
  byId('lang').textContent = t('lang');
  showError(errorKey, errorDetail);
  render();
});
navigator.mediaDevices?.addEventListener('devicechange', () => void fillDevices());

const saved = tokenFromUrl() ?? load(TOKEN_KEY);
if (saved) void login(saved);
else showLoggedIn(false);
