/**
 * The live queue: one row per readout, kept and updated in place by id (a button under the
 * pointer survives updates), with its state badge (expired shown as its own), paid badge,
 * user and source, text, reason, the engines it switched between mid-readout, a progress bar
 * while playing, and skip / replay / ban.
 */
import type { PanelQueueItem } from '../../../server/src/core/protocol.ts';
import { h, setText } from '../lib/dom.ts';
import { formatDurationMs } from './format.ts';
import type { LabelKey } from './i18n.ts';
import { labelled, reasonText, t } from './lang.ts';
import { ACTIVE_STATES, displayState, playProgress, sourceAndVoice, switchSummary } from './queue-items.ts';

export interface QueueActions {
  skip(id: string, button: HTMLButtonElement): void;
  replay(id: string, button: HTMLButtonElement): void;
  ban(user: string, button: HTMLButtonElement): void;
}

class QueueRow {
  readonly el: HTMLLIElement;
  private readonly badge = h('span', { class: 'state' });
  private readonly paid = labelled('span', 'paid', { class: 'paid' });
  private readonly user = h('span', { class: 'user' });
  private readonly source = h('span', { class: 'source' });
  private readonly text = h('span', { class: 'text' });
  private readonly reason = h('span', { class: 'reason' });
  private readonly switchedText = h('span', { class: 'engines' });
  private readonly switched = h('span', { class: 'switched' }, labelled('span', 'switched', { class: 'label' }), ' ', this.switchedText);
  private readonly note = h('span', { class: 'note' });
  private readonly bar = h('span', { class: 'bar' });
  private readonly progress = h('span', { class: 'progress' }, this.bar);
  private readonly elapsed = h('span', { class: 'elapsed' });
  private readonly skip = labelled('button', 'skip', { type: 'button', class: 'skip' });
  private readonly replay = labelled('button', 'replay', { type: 'button', class: 'replay ghost' });
  private readonly ban = labelled('button', 'ban', { type: 'button', class: 'ban ghost' });
  private item: PanelQueueItem;

  constructor(item: PanelQueueItem, actions: QueueActions) {
    this.item = item;
    this.el = h(
      'li',
      { 'data-id': item.id },
      h('span', { class: 'meta' }, this.badge, this.paid, this.user, this.source),
      this.text,
      this.reason,
      this.switched,
      this.note,
      h('span', { class: 'play' }, this.progress, this.elapsed),
      h('span', { class: 'actions' }, this.skip, this.replay, this.ban),
    );
    this.skip.addEventListener('click', () => actions.skip(this.item.id, this.skip));
    this.replay.addEventListener('click', () => actions.replay(this.item.id, this.replay));
    this.ban.addEventListener('click', () => actions.ban(this.item.user, this.ban));
    this.update(item);
  }

  update(item: PanelQueueItem): void {
    this.item = item;
    const state = displayState(item);
    this.el.dataset.state = state;
    this.badge.dataset.state = state;
    this.badge.dataset.i18n = `state.${state}`;
    setText(this.badge, t(`state.${state}` as LabelKey));
    this.paid.hidden = !item.paid;
    setText(this.user, item.user);
    setText(this.source, sourceAndVoice(item));
    setText(this.text, item.text);
    const showReason = (item.state === 'dropped' || item.state === 'skipped') && state !== 'expired' && item.reason !== undefined;
    setText(this.reason, showReason ? reasonText(item.reason!) : '');
    this.reason.hidden = !showReason;
    setText(this.switchedText, switchSummary(item.switched ?? [], t('switchedAt')));
    this.switched.hidden = !item.switched?.length;
    setText(this.note, item.note ?? '');
    this.note.hidden = item.note === undefined;
    const active = ACTIVE_STATES.has(item.state);
    this.skip.hidden = !active;
    this.replay.hidden = active;
    this.ban.hidden = item.source === 'panel';
    this.progress.parentElement!.hidden = item.state !== 'playing';
  }

  /** Moves the progress bar of a playing readout. */
  tick(nowMs: number): void {
    if (this.item.state !== 'playing') return;
    const { elapsedMs, fraction } = playProgress(this.item, nowMs);
    this.progress.classList.toggle('indeterminate', fraction === null);
    this.bar.style.width = fraction === null ? '' : `${(fraction * 100).toFixed(1)}%`;
    const total = this.item.durationMs ? ` / ${formatDurationMs(this.item.durationMs)}` : '';
    setText(this.elapsed, `${formatDurationMs(elapsedMs)}${total}`);
  }
}

export class QueueView {
  private readonly rows = new Map<string, QueueRow>();

  constructor(
    private readonly list: HTMLElement,
    private readonly actions: QueueActions,
  ) {}

  render(items: readonly PanelQueueItem[]): void {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      seen.add(item.id);
      let row = this.rows.get(item.id);
      if (row) row.update(item);
      else this.rows.set(item.id, (row = new QueueRow(item, this.actions)));
      if (this.list.children[index] !== row.el) this.list.insertBefore(row.el, this.list.children[index] ?? null);
    });
    for (const [id, row] of this.rows) {
      if (seen.has(id)) continue;
      row.el.remove();
      this.rows.delete(id);
    }
  }

  tick(nowMs: number): void {
    for (const row of this.rows.values()) row.tick(nowMs);
  }
}
