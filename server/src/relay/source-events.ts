/**
 * Source events into the relay: captions go to admission (the viewer rules, then the queue);
 * moderators' bans and deletions drop readouts (also mid-utterance); subtitle lines (ASR
 * partials and finals) are shown in the overlay without being spoken.
 */
import { filter, Subscription, type Observable } from 'rxjs';
import type { Logger } from '../core/logger.ts';
import type { SourceCaption, SourceEvent, SubtitleLine } from '../core/source.ts';
import type { Admission } from './admission.ts';
import type { QueueCommands } from './queue-commands.ts';

export interface SourceEventsOptions {
  events$: Observable<SourceEvent>;
  admission: Pick<Admission, 'fromSources'>;
  commands: Pick<QueueCommands, 'dropUser' | 'dropMessage'>;
  showLine(line: SubtitleLine): void;
  log: Logger;
}

export function connectSourceEvents({ events$, admission, commands, showLine, log }: SourceEventsOptions): Subscription {
  const onAction = (e: Exclude<SourceEvent, SourceCaption>) => {
    switch (e.type) {
      case 'clear-user':
        commands.dropUser(e.user, 'banned', e.userId ? { source: e.source, userId: e.userId } : undefined);
        return;
      case 'clear-message':
        commands.dropMessage(e.messageId, 'deleted');
        return;
      case 'subtitle':
        showLine(e);
        return;
    }
  };
  const subscription = new Subscription();
  subscription.add(admission.fromSources(events$.pipe(filter((e): e is SourceCaption => e.type === 'caption'))));
  subscription.add(
    events$
      .pipe(filter((e): e is Exclude<SourceEvent, SourceCaption> => e.type !== 'caption'))
      .subscribe({ next: onAction, error: (err: unknown) => log.error({ err }, 'source events stopped') }),
  );
  return subscription;
}
