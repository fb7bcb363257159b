/** History: search what was said (text or user), replay an entry, download SRT / VTT / JSON with word timings. */
import type { PanelHistoryItem } from '../../../server/src/core/protocol.ts';
import { byId, h } from '../lib/dom.ts';
import { command } from './connection.ts';
import { downloadHistory, type HistoryFormat } from './download.ts';
import { formatClock, formatDurationMs } from './format.ts';
import type { LabelKey } from './i18n.ts';
import { labelled, lang$, t } from './lang.ts';
import { describeError, notify, run } from './notice.ts';
import { displayState, sourceAndVoice } from './queue-items.ts';

const SEARCH_DEBOUNCE_MS = 250;

let results: PanelHistoryItem[] = [];

function row(item: PanelHistoryItem): HTMLElement {
  const state = displayState(item);
  const replay = labelled('button', 'replay', { type: 'button', class: 'ghost small' });
  replay.addEventListener('click', () =>
    void run(replay, async () => {
      await command('queue:replay', { id: item.id });
      notify(`${t('replay')} ✓`);
    }),
  );
  return h(
    'li',
    { 'data-id': item.id, 'data-state': state },
    h('span', { class: 'meta' },
      h('span', { class: 'state', 'data-state': state }, t(`state.${state}` as LabelKey)),
      h('span', { class: 'user' }, item.user),
      h('span', { class: 'source' }, `${sourceAndVoice(item)} · ${formatClock(item.updatedAtMs)}${item.durationMs ? ` · ${formatDurationMs(item.durationMs)}` : ''}`),
    ),
    h('span', { class: 'text' }, item.text),
    ...(item.note === undefined ? [] : [h('span', { class: 'note' }, item.note)]),
    h('span', { class: 'actions' }, replay),
  );
}

function render(): void {
  byId('history-list').replaceChildren(...results.map(row));
  byId('history-empty').hidden = results.length > 0;
}

export async function searchHistory(): Promise<void> {
  const query = byId<HTMLInputElement>('history-query').value;
  try {
    results = (await command('history:search', { query })).items;
    render();
  } catch (err) {
    notify(describeError(err), 'bad');
  }
}

export function setUpHistory(): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  byId('history-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void searchHistory();
  });
  byId('history-query').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void searchHistory(), SEARCH_DEBOUNCE_MS);
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-download]')) {
    button.addEventListener('click', () =>
      void run(button, async () => {
        try {
          await downloadHistory(button.dataset.download as HistoryFormat);
        } catch (err) {
          notify(`${t('downloadFailed')}: ${describeError(err)}`, 'bad');
        }
      }),
    );
  }
  lang$.subscribe(render);
}
