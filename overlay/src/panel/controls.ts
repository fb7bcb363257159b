/**
 * The live controls: send a readout, skip current, pause/resume, clear (paid readouts need a
 * confirmation), ban from a queue row, and the banned users with unban.
 */
import { byId, h } from '../lib/dom.ts';
import { command, health$, init$, queue$, settings$ } from './connection.ts';
import { labelled, lang$, t, tf } from './lang.ts';
import { describeError, notify, run } from './notice.ts';
import { currentItem, queuedPaidCount } from './queue-items.ts';
import type { QueueActions } from './queue-view.ts';

export const queueActions: QueueActions = {
  skip: (id, button) => void run(button, () => command('queue:skip', { id })),
  replay: (id, button) =>
    void run(button, async () => {
      await command('queue:replay', { id });
      notify(`${t('replay')} ✓`);
    }),
  ban: (user, button) =>
    void run(button, async () => {
      const { dropped } = await command('user:ban', { user });
      notify(`${t('bannedDone')}: ${user} (−${dropped})`);
    }),
};

export function skipCurrent(): void {
  const current = currentItem(queue$.value);
  if (current) void run(null, () => command('queue:skip', { id: current.id }));
}

export function togglePause(): void {
  const paused = health$.value?.paused ?? false;
  void run(byId<HTMLButtonElement>('pause'), () => (paused ? command('queue:resume', {}) : command('queue:pause', {})));
}

async function clearQueue(includePaid: boolean): Promise<void> {
  const { cleared, keptPaid } = await command('queue:clear', { includePaid });
  notify(`${t('cleared')}: ${cleared}${keptPaid > 0 ? ` (${keptPaid} ${t('keptPaid')})` : ''}`);
}

function setUpClear(): void {
  const dialog = byId<HTMLDialogElement>('clear-dialog');
  byId<HTMLButtonElement>('clear').addEventListener('click', (ev) => {
    if (queuedPaidCount(queue$.value) === 0) return void run(ev.currentTarget as HTMLButtonElement, () => clearQueue(false));
    dialog.showModal();
  });
  dialog.addEventListener('close', () => {
    const choice = dialog.returnValue;
    dialog.returnValue = '';
    if (choice === 'keep-paid' || choice === 'all') void run(null, () => clearQueue(choice === 'all'));
  });
}

function setUpSend(): void {
  const form = byId<HTMLFormElement>('send');
  const text = byId<HTMLTextAreaElement>('text');
  const button = byId<HTMLButtonElement>('send-button');
  const result = byId('send-result');
  const show = (message: string, kind: 'ok' | 'bad' | '') => {
    result.textContent = message;
    result.className = `hint ${kind}`;
  };
  // The relay's limit (RELAY_MAX_TEXT_CHARS), not a guess: longer would be refused with 413.
  // Counted as the textarea counts (UTF-16 units).
  const count = byId('send-count');
  const showCount = () => {
    const max = text.maxLength;
    count.textContent = tf('sendLimit', { n: text.value.length, max });
    count.classList.toggle('warn', text.value.length >= max);
  };
  init$.subscribe((init) => {
    if (init) text.maxLength = init.limits.maxTextChars;
    showCount();
  });
  text.addEventListener('input', showCount);
  lang$.subscribe(showCount);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = text.value.trim();
    if (!value) return show(t('emptyText'), 'bad');
    show(t('sending'), '');
    void run(button, async () => {
      try {
        const { id } = await command('caption:send', { text: value });
        show(`${t('sent')} · ${id}`, 'ok');
        text.value = '';
        showCount();
      } catch (err) {
        show(describeError(err), 'bad');
      }
    });
  });
  text.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) form.requestSubmit();
  });
}

function renderBanned(): void {
  const list = byId('banned-list');
  const deny = (settings$.value?.moderation as { users?: { deny?: unknown } } | undefined)?.users?.deny;
  const users = Array.isArray(deny) ? deny.filter((u): u is string => typeof u === 'string') : [];
  list.replaceChildren(
    ...users.map((user) => {
      const unban = labelled('button', 'unban', { type: 'button', class: 'ghost small' });
      unban.addEventListener('click', () => void run(unban, () => command('user:unban', { user })));
      return h('li', { 'data-user': user }, h('span', { class: 'user' }, user), unban);
    }),
  );
  byId('banned-empty').hidden = users.length > 0;
}

function renderPauseState(): void {
  const health = health$.value;
  const paused = health?.paused ?? false;
  const button = byId<HTMLButtonElement>('pause');
  button.dataset.i18n = paused ? 'resume' : 'pause';
  button.textContent = t(paused ? 'resume' : 'pause');
  button.setAttribute('aria-pressed', String(paused));
  byId('paused-badge').hidden = !paused;
  byId('obs-held-badge').hidden = !health?.obs?.paused;
  byId('redis-held-badge').hidden = !health?.scaleOut?.fenced;
  byId<HTMLButtonElement>('skip-current').disabled = currentItem(queue$.value) === undefined;
}

export function setUpControls(): void {
  setUpSend();
  setUpClear();
  byId('pause').addEventListener('click', togglePause);
  byId('skip-current').addEventListener('click', skipCurrent);
  settings$.subscribe(renderBanned);
  health$.subscribe(renderPauseState);
  queue$.subscribe(renderPauseState);
}
