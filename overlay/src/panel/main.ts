/**
 * Streamer control panel: token login, live queue (Socket.IO `/panel`, `queue:update`
 * snapshots), send a readout, skip an active item. All text is set with textContent.
 */
import type { PanelAck, PanelClientToServer, PanelQueueItem, PanelServerToClient } from '../../../server/src/core/protocol.ts';
import type { Socket } from 'socket.io-client';
import { connectNamespace } from '../lib/socket.ts';
import { defaultLang, LABELS, type Lang, type LabelKey } from './i18n.ts';

const TOKEN_KEY = 'cosy-relay.token';
const LANG_KEY = 'cosy-relay.lang';
const ACK_TIMEOUT_MS = 10_000;
const ACTIVE_STATES = new Set(['queued', 'synthesizing', 'playing']);

type ConnState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`panel page is missing #${id}`);
  return el as T;
};

const els = {
  conn: $('conn'),
  lang: $<HTMLButtonElement>('lang'),
  logout: $<HTMLButtonElement>('logout'),
  error: $('error'),
  login: $<HTMLFormElement>('login'),
  token: $<HTMLInputElement>('token'),
  app: $('app'),
  send: $<HTMLFormElement>('send'),
  text: $<HTMLTextAreaElement>('text'),
  sendButton: $<HTMLButtonElement>('send-button'),
  sendResult: $('send-result'),
  queue: $<HTMLUListElement>('queue'),
  count: $('count'),
  empty: $('empty'),
};

let lang: Lang = defaultLang(safeGet(LANG_KEY), navigator.language || 'en');
let conn: ConnState = 'idle';
let items: PanelQueueItem[] = [];
let socket: Socket<PanelServerToClient, PanelClientToServer> | null = null;
let errorKey: LabelKey | null = null;
let errorText: string | null = null;

const t = (key: LabelKey): string => LABELS[lang][key] ?? key;

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function safeSet(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage disabled: the token lives for this page only
  }
}

/** `#token=…` or `?token=…` in the URL wins over storage; it is then removed from the address bar. */
function tokenFromUrl(): string | null {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const query = new URLSearchParams(location.search);
  const token = hash.get('token') ?? query.get('token');
  if (token === null) return null;
  hash.delete('token');
  query.delete('token');
  const q = query.toString();
  const h = hash.toString();
  history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}${h ? `#${h}` : ''}`);
  return token.trim() || null;
}

function showError(key: LabelKey | null, text: string | null = null): void {
  errorKey = key;
  errorText = text;
  els.error.textContent = key ? t(key) : (text ?? '');
  els.error.hidden = !key && !text;
}

function setConn(state: ConnState): void {
  conn = state;
  els.conn.dataset.state = state;
  els.conn.textContent = t(`conn.${state}` as LabelKey);
}

function applyLang(): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n as LabelKey);
  }
  els.lang.textContent = t('lang');
  setConn(conn);
  showError(errorKey, errorText);
  renderQueue();
}

function renderQueue(): void {
  const rows = items.map((item) => {
    const li = document.createElement('li');
    li.dataset.id = item.id;
    const state = document.createElement('span');
    state.className = 'state';
    state.dataset.state = item.state;
    state.textContent = t(`state.${item.state}` as LabelKey) || item.state;
    if (item.reason) state.title = item.reason;
    const user = document.createElement('span');
    user.className = 'user';
    user.textContent = item.user;
    user.title = `${item.user} · ${item.source}`;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = item.text;
    const actions = document.createElement('span');
    if (ACTIVE_STATES.has(item.state)) {
      const skip = document.createElement('button');
      skip.type = 'button';
      skip.className = 'skip';
      skip.textContent = t('skip');
      skip.addEventListener('click', () => void skipItem(item.id, skip));
      actions.append(skip);
    }
    li.append(state, user, text, actions);
    return li;
  });
  els.queue.replaceChildren(...rows);
  els.count.textContent = items.length ? `(${items.length})` : '';
  els.empty.hidden = items.length > 0;
}

function ackError(r: PanelAck): string | null {
  return r.ok ? null : `${r.error.message} (${r.error.code})`;
}

async function skipItem(id: string, button: HTMLButtonElement): Promise<void> {
  if (!socket) return;
  button.disabled = true;
  try {
    const r = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('queue:skip', { id });
    const err = ackError(r);
    if (err) showError(null, err);
    else showError(null);
  } catch {
    showError('timeout');
  } finally {
    button.disabled = false;
  }
}

function showLoggedIn(loggedIn: boolean): void {
  els.login.hidden = loggedIn;
  els.app.hidden = !loggedIn;
  els.logout.hidden = !loggedIn;
}

function connect(token: string): void {
  socket?.disconnect();
  items = [];
  renderQueue();
  showLoggedIn(true);
  setConn('connecting');
  const s = connectNamespace<PanelServerToClient, PanelClientToServer>('/panel', { token });
  socket = s;
  s.on('connect', () => {
    setConn('connected');
    if (errorKey === 'unauthorized' || errorKey === 'timeout') showError(null);
  });
  s.on('disconnect', () => {
    if (socket === s && conn !== 'unauthorized') setConn('disconnected');
  });
  s.on('connect_error', (err) => {
    if (socket !== s) return;
    if (err.message === 'unauthorized') {
      s.disconnect();
      socket = null;
      safeSet(TOKEN_KEY, null); // do not retry a rejected token on the next visit
      setConn('unauthorized');
      showError('unauthorized');
      showLoggedIn(false);
      els.token.value = token;
      els.token.focus();
    } else {
      setConn('disconnected');
    }
  });
  s.on('queue:update', (snapshot) => {
    if (!Array.isArray(snapshot)) return;
    items = snapshot.filter((x) => typeof x === 'object' && x !== null && typeof x.id === 'string');
    renderQueue();
  });
}

els.login.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const token = els.token.value.trim();
  if (!token) return;
  safeSet(TOKEN_KEY, token);
  els.token.value = '';
  showError(null);
  connect(token);
});

els.logout.addEventListener('click', () => {
  socket?.disconnect();
  socket = null;
  safeSet(TOKEN_KEY, null);
  items = [];
  renderQueue();
  setConn('idle');
  showError(null);
  showLoggedIn(false);
});

els.send.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void (async () => {
    const text = els.text.value.trim();
    els.sendResult.className = 'hint';
    if (!text) {
      els.sendResult.textContent = t('emptyText');
      els.sendResult.classList.add('bad');
      return;
    }
    if (!socket) return;
    els.sendButton.disabled = true;
    els.sendResult.textContent = t('sending');
    try {
      const r = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('caption:send', { text });
      const err = ackError(r);
      if (err) {
        els.sendResult.textContent = err;
        els.sendResult.classList.add('bad');
      } else {
        els.sendResult.textContent = r.ok && r.id ? `${t('sent')} · ${r.id}` : t('sent');
        els.sendResult.classList.add('ok');
        els.text.value = '';
      }
    } catch {
      els.sendResult.textContent = t('timeout');
      els.sendResult.classList.add('bad');
    } finally {
      els.sendButton.disabled = false;
    }
  })();
});

els.text.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) els.send.requestSubmit();
});

els.lang.addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  safeSet(LANG_KEY, lang);
  applyLang();
});

// ---- start ----
const urlToken = tokenFromUrl();
if (urlToken) safeSet(TOKEN_KEY, urlToken);
const token = urlToken ?? safeGet(TOKEN_KEY);
applyLang();
if (token) connect(token);
else showLoggedIn(false);
