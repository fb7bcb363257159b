/** Pure helpers about queue items: what state badge to show, what "skip current" skips, progress, engine switches. */
import type { PanelQueueItem } from '../../../server/src/core/protocol.ts';
import type { EngineSwitch } from '../../../server/src/core/types.ts';

type DisplayState = PanelQueueItem['state'] | 'expired';

export const ACTIVE_STATES: ReadonlySet<PanelQueueItem['state']> = new Set(['queued', 'synthesizing', 'playing']);

/** A readout dropped because it waited past its time-to-live is shown as its own state. */
export function displayState(item: Pick<PanelQueueItem, 'state' | 'reason'>): DisplayState {
  return item.state === 'dropped' && item.reason === 'expired' ? 'expired' : item.state;
}

/** The readout "skip current" stops: the one playing, else the one being synthesized. */
export function currentItem(items: readonly PanelQueueItem[]): PanelQueueItem | undefined {
  return items.find((i) => i.state === 'playing') ?? items.find((i) => i.state === 'synthesizing');
}

/** Paid readouts waiting: clearing them needs a confirmation. */
export function queuedPaidCount(items: readonly PanelQueueItem[]): number {
  return items.filter((i) => i.state === 'queued' && i.paid).length;
}

/**
 * How far a playing readout is: elapsed since its playback started (the relay's clock) and,
 * once synthesis finished, the fraction of its duration (null while unknown).
 */
export function playProgress(item: Pick<PanelQueueItem, 'updatedAtMs' | 'durationMs'>, nowMs: number): { elapsedMs: number; fraction: number | null } {
  const elapsedMs = Math.max(0, nowMs - item.updatedAtMs);
  const fraction = item.durationMs && item.durationMs > 0 ? Math.min(1, elapsedMs / item.durationMs) : null;
  return { elapsedMs, fraction };
}

/**
 * The engines a readout switched between mid-readout, e.g. `cosyvoice-selfhost → embedded (from sentence 2)`;
 * `atLabel` is the localized "from sentence {n}" (sentences counted from 1).
 */
export function switchSummary(switched: readonly EngineSwitch[], atLabel: string): string {
  return switched.map((s) => `${s.from} → ${s.to} (${atLabel.replace('{n}', String(s.atSentence + 1))})`).join(', ');
}

/** The source, and the voice that speaks (or spoke) the readout when one was chosen: "twitch · 🗣 narrator". */
export function sourceAndVoice(item: Pick<PanelQueueItem, 'source' | 'voice'>): string {
  return item.voice === undefined ? item.source : `${item.source} · 🗣 ${item.voice}`;
}
