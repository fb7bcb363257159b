/**
 * Streamer control panel: token login, then live state over Socket.IO `/panel` (queue,
 * health, stats, settings pushes) and commands through acks. Bilingual (zh/en, persisted);
 * keyboard: S = skip current, P = pause/resume. All text is set as text, never as markup.
 */
import { conn$, connect, disconnect, queue$, relayNowMs, type ConnState } from './connection.ts';
import { queueActions, setUpControls, skipCurrent, togglePause } from './controls.ts';
import { byId, setText } from '../lib/dom.ts';
import { setUpHealth } from './health-view.ts';
import { searchHistory, setUpHistory } from './history-view.ts';
import type { LabelKey } from './i18n.ts';
import { applyLabels, lang$, t, toggleLang } from './lang.ts';
import { setUpLatency } from './latency-chart.ts';
import { QueueView } from './queue-view.ts';
import { setUpSettings } from './settings-tab/settings-view.ts';
import { setUpShortcuts } from './shortcuts.ts';
import { setUpSubtitles } from './subtitles-view.ts';
import { load, store } from '../lib/storage.ts';
import { TOKEN_KEY, tokenFromUrl } from '../lib/token-from-url.ts';
import { setUpTabs } from './tabs.ts';
import { setUpVoices } from './voices-tab/voices-view.ts';

let errorKey: LabelKey | null = null;
function showError(key: LabelKey | null): void {
  errorKey = key;
  const el = byId('error');
  el.textContent = key ? t(key) : '';
  el.hidden = key === null;
}

function showLoggedIn(loggedIn: boolean): void {
  byId('login').hidden = loggedIn;
  for (const id of ['app', 'logout', 'tabs', 'help', 'overlay-badge']) byId(id).hidden = !loggedIn;
}

function onConn(state: ConnState): void {
  const el = byId('conn');
  el.dataset.state = state;
  el.dataset.i18n = `conn.${state}`;
  setText(el, t(`conn.${state}` as LabelKey));
  if (state === 'connected' && errorKey === 'unauthorized') showError(null);
  if (state === 'unauthorized') {
    store(TOKEN_KEY, null); // do not retry a rejected token on the next visit
    showError('unauthorized');
    showLoggedIn(false);
    byId('token').focus();
  }
}

function login(token: string): void {
  store(TOKEN_KEY, token);
  showError(null);
  showLoggedIn(true);
  connect(token);
}

// ---- views ----
const queueView = new QueueView(byId('queue'), queueActions);
queue$.subscribe((items) => {
  queueView.render(items);
  byId('count').textContent = items.length ? `(${items.length})` : '';
  byId('empty').hidden = items.length > 0;
});
const tick = (): void => {
  queueView.tick(relayNowMs());
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);

setUpControls();
setUpHealth();
const chart = setUpLatency();
setUpHistory();
setUpSubtitles();
setUpSettings();
const refreshVoices = setUpVoices();
setUpTabs((tab) => {
  if (tab === 'health') chart.draw();
  if (tab === 'history') void searchHistory();
  if (tab === 'voices') void refreshVoices();
});
setUpShortcuts({ skipCurrent, togglePause }, () => conn$.value === 'connected');

// ---- login, language ----
byId('login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = byId<HTMLInputElement>('token');
  const token = input.value.trim();
  if (!token) return;
  input.value = '';
  login(token);
});
byId('logout').addEventListener('click', () => {
  disconnect();
  store(TOKEN_KEY, null);
  queue$.set([]);
  showError(null);
  showLoggedIn(false);
});
byId('lang').addEventListener('click', toggleLang);
lang$.subscribe(() => {
  applyLabels();
  queueView.render(queue$.value); // reasons carry details, so they are relabelled by the rows
  byId('lang').textContent = t('lang');
  showError(errorKey);
});
conn$.subscribe(onConn);

const token = tokenFromUrl() ?? load(TOKEN_KEY);
if (token) login(token);
else showLoggedIn(false);
