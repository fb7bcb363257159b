/**
 * What people and moderation do to the queue: skip, pause/resume, clear, replay, and drops
 * (a ban, a deleted message, readouts another process took over). Whatever is in flight
 * stops through the one cancel path.
 */
import type { EngineChain } from '../core/engine.ts';
import type { Logger } from '../core/logger.ts';
import type { PanelQueueItem } from '../core/protocol.ts';
import type { RelayPort } from '../gateway/ports.ts';
import type { DurableQueue, ModerationDrop } from '../queue/durable-queue.ts';
import type { CancelPath } from './cancels.ts';
import type { Timelines } from './timelines.ts';

const LIST_LIMIT = 200;

export interface QueueCommandsOptions {
  queue: DurableQueue;
  cancels: Pick<CancelPath, 'cancel'>;
  timelines: Timelines;
  /** Which engines switched mid-readout (the queue items say so). */
  engine: Pick<EngineChain, 'switchesOf'>;
  /** A readout was queued again (replay): the pipeline may take it. */
  requeued: () => void;
  log: Logger;
}

export type QueueCommands = Pick<RelayPort, 'skip' | 'pause' | 'resume' | 'clear' | 'replay' | 'history' | 'listQueue'> & {
  /** A ban/timeout: that user's queued readouts are dropped and a playing one stops. */
  dropUser(user: string, reason: string, by?: { source: string; userId: string }): number;
  /** A deleted chat message: its readout is dropped, also mid-utterance. */
  dropMessage(messageId: string, reason: string): number;
  /** Readouts dropped by id (another relay process took them over), also mid-utterance. */
  dropReadouts(ids: readonly string[], reason: string): number;
  /** Readouts waiting from this user (moderation's per-user cap). */
  queuedCount(user: string): number;
};

export function createQueueCommands({ queue, cancels, timelines, engine, requeued, log }: QueueCommandsOptions): QueueCommands {
  const dropAndCancel = ({ dropped, inFlightIds }: ModerationDrop, reason: string) => {
    cancels.cancel(inFlightIds, reason);
    return dropped;
  };
  const switchesOf = (id: string): Pick<PanelQueueItem, 'switched'> => {
    const switched = engine.switchesOf(id);
    return switched.length > 0 ? { switched: [...switched] } : {};
  };

  return {
    skip(id) {
      const previous = queue.skip(id, 'skipped by user');
      if (previous === undefined) return false;
      log.info({ id, previous }, 'readout skipped');
      if (previous !== 'queued') cancels.cancel([id], 'skipped');
      return true;
    },
    pause() {
      if (queue.setPaused(true)) log.info('queue paused');
    },
    resume() {
      if (queue.setPaused(false)) log.info('queue resumed');
    },
    clear(options) {
      const result = queue.clear(options);
      log.info(result, 'queue cleared');
      return result;
    },
    async replay(id) {
      const { utterance, onDisk } = queue.replay(id);
      requeued();
      await onDisk;
      return { id: utterance.id };
    },
    history: (options) => queue.history(options),
    listQueue: (): PanelQueueItem[] =>
      queue
        .list({ limit: LIST_LIMIT, states: ['playing', 'synthesizing', 'queued', 'played', 'skipped', 'dropped'] })
        .map(({ id, text, user, source, priority, paid, state, reason, receivedAtMs, updatedAtMs, firstAudioMs, waitMs, voice, note, durationMs }) => ({
          id,
          text,
          user,
          source,
          priority,
          paid,
          state,
          reason,
          receivedAtMs,
          updatedAtMs,
          firstAudioMs,
          waitMs,
          voice,
          note,
          durationMs: timelines.durationMs(id) ?? durationMs,
          ...switchesOf(id),
        })),
    dropUser(user, reason, by) {
      const dropped = dropAndCancel(queue.dropUser(user, reason, by), reason);
      if (dropped > 0) log.info({ user, dropped, reason }, 'readouts of a user dropped');
      return dropped;
    },
    dropMessage: (messageId, reason) => dropAndCancel(queue.dropMessage(messageId, reason), reason),
    dropReadouts: (ids, reason) => dropAndCancel(queue.dropIds(ids, reason), reason),
    queuedCount: (user) => queue.countQueuedByUser(user),
  };
}
