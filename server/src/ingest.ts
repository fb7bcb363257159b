/**
 * Chat and ASR sources into the relay: captions pass the moderation chain and the queue
 * policy's priority classes; bans and deleted messages drop readouts (also mid-utterance);
 * subtitle events become the overlay's live subtitle line.
 */
import { Subscription, filter, type Observable } from 'rxjs';
import { RelayError } from './core/errors.ts';
import type { Logger } from './core/logger.ts';
import type { SourceCaption, SourceEvent } from './core/source.ts';
import type { Counter } from 'prom-client';
import { moderate, type ModerationSettings } from './moderation/index.ts';
import { priorityFor } from './queue/priority.ts';
import type { QueuePolicy } from './queue/policy.ts';
import type { Relay } from './relay.ts';

export interface IngestOptions {
  events$: Observable<SourceEvent>;
  relay: Relay;
  moderation$: Observable<ModerationSettings>;
  /** The queue policy in force (it can change at run time). */
  policy: () => QueuePolicy;
  /** relay_source_dropped_total{source, reason}. */
  drops: Counter<'source' | 'reason'>;
  log: Logger;
}

export function connectSources({ events$, relay, moderation$, policy, drops, log }: IngestOptions): Subscription {
  const captions$ = events$.pipe(filter((e): e is SourceCaption => e.type === 'caption'));
  const spoken$ = captions$.pipe(
    moderate<SourceCaption>({
      settings$: moderation$,
      queuedCount: (user) => relay.queuedCount(user),
      onDrop: (reason, e) => {
        drops.inc({ source: e.source, reason });
        log.debug({ source: e.source, user: e.user, reason }, 'chat message not read');
      },
    }),
  );

  const submit = (c: SourceCaption) => {
    try {
      relay.submitEvent({
        text: c.text,
        user: c.user,
        userId: c.userId,
        source: c.source,
        lang: c.lang,
        messageId: c.messageId,
        receivedAtMs: c.receivedAtMs,
        ...priorityFor(c, policy()),
      }, { fsync: false });
    } catch (err) {
      // Nobody waits for an answer from chat: count and log, never stop the stream.
      const code = err instanceof RelayError ? err.code : 'internal';
      drops.inc({ source: c.source, reason: code });
      log.warn({ source: c.source, user: c.user, code, err: err instanceof RelayError ? undefined : err }, 'chat readout not queued');
    }
  };

  const onAction = (e: SourceEvent) => {
    switch (e.type) {
      case 'clear-user':
        relay.dropUser(e.user, 'banned', e.userId ? { source: e.source, userId: e.userId } : undefined);
        return;
      case 'clear-message':
        relay.dropMessage(e.messageId, 'deleted');
        return;
      case 'subtitle':
        relay.showLine(e.messageId, e.text, e.final);
        return;
    }
  };
  const onError = (err: unknown) => log.error({ err }, 'source ingest stopped');
  const subscription = new Subscription();
  subscription.add(spoken$.subscribe({ next: submit, error: onError }));
  subscription.add(events$.pipe(filter((e) => e.type !== 'caption')).subscribe({ next: onAction, error: onError }));
  return subscription;
}
