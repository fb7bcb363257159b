/**
 * Admission: the one way a caption enters the durable queue, and which rules apply to it by
 * origin — stated here once:
 *
 * | origin     | who                                   | viewer rules (moderation chain) | priority                      | on disk before the answer  |
 * |------------|---------------------------------------|---------------------------------|-------------------------------|----------------------------|
 * | `streamer` | POST /api/captions, the panel         | no — the streamer's own words   | as given (default 0)          | yes: the 202 is a promise  |
 * | `source`   | chat platforms, the ASR feed          | yes (deny list, roles, links, emotes, banned words, caps, cooldown, duplicates) | the queue policy's classes (paid > moderator > subscriber > viewer) | no: kill -9 safe, not power-cut safe, and a raid does not wait on one fsync per message |
 *
 * Both origins then share the same steps: text and name normalized, the queue's per-source
 * bounds and dedupe window, `relay_captions_total{source,result}` and one log line.
 */
import type { Observable, Subscription } from 'rxjs';
import { RelayError, ValidationError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { SourceCaption } from '../core/source.ts';
import type { CaptionEvent } from '../core/types.ts';
import type { CaptionInput } from '../gateway/ports.ts';
import type { Metrics } from '../metrics/registry.ts';
import { moderate, type ModerationSettings } from '../moderation/index.ts';
import { normalizeName, normalizeText } from '../pipeline/normalize.ts';
import { priorityFor } from '../queue/priority.ts';
import type { QueuePolicy } from '../queue/policy.ts';
import type { DurableQueue } from '../queue/durable-queue.ts';

export type Origin = 'streamer' | 'source';

/** Whether an origin's caption is on disk before admission returns (see the table above). */
const FSYNC_BY_ORIGIN: Record<Origin, boolean> = { streamer: true, source: false };

/** Longest user name kept (control and bidi characters removed). */
const MAX_USER_CHARS = 100;

export interface AdmissionOptions {
  queue: Pick<DurableQueue, 'enqueue' | 'countQueuedByUser'>;
  metrics: Pick<Metrics, 'captionsTotal' | 'sourceDroppedTotal'>;
  log: Logger;
  maxTextChars: number;
  dedupeWindowMs: number;
  /** The moderation settings in force (they change at run time). */
  moderation$: Observable<ModerationSettings>;
  /** The queue policy in force (it changes at run time). */
  policy: () => QueuePolicy;
  /** A readout was queued: the pipeline may take it. */
  admitted: () => void;
}

export interface Admission {
  /** The streamer's caption: validated, normalized, on disk when this returns. Throws typed errors (400/413/429/503). */
  fromStreamer(input: CaptionInput): { id: string; duplicate: boolean };
  /** Source captions through the viewer rules into the queue; a refused one is counted and logged, never thrown. */
  fromSources(captions$: Observable<SourceCaption>): Subscription;
}

export function createAdmission(o: AdmissionOptions): Admission {
  const { queue, metrics, log } = o;

  const enqueue = (event: CaptionEvent, origin: Origin) => {
    try {
      const text = normalizeText(event.text, o.maxTextChars);
      const user = normalizeName(event.user, MAX_USER_CHARS) || 'anonymous';
      const fsync = FSYNC_BY_ORIGIN[origin];
      const { utterance, duplicate, dropped } = queue.enqueue({ ...event, text, user }, { dedupeWindowMs: o.dedupeWindowMs, fsync });
      metrics.captionsTotal.inc({ source: event.source, result: duplicate ? 'duplicate' : 'accepted' });
      if (!duplicate) log.info({ id: utterance.id, source: event.source, user: utterance.user, chars: text.length }, 'caption accepted');
      if (dropped.length > 0) log.info({ ids: dropped.map((u) => u.id), source: event.source }, 'queue full for this source: oldest readouts dropped');
      o.admitted();
      return { id: utterance.id, duplicate };
    } catch (err) {
      metrics.captionsTotal.inc({ source: event.source, result: 'rejected' });
      throw err;
    }
  };

  const fromStreamer = (input: CaptionInput) => {
    if (typeof input.text !== 'string') throw new ValidationError('invalid_body', 'text must be a string');
    return enqueue(
      {
        text: input.text,
        user: input.user?.trim() || 'anonymous',
        source: input.source ?? 'http',
        priority: input.priority ?? 0,
        voice: input.voice,
        lang: input.lang,
        receivedAtMs: Date.now(),
      },
      'streamer',
    );
  };

  const fromSource = (c: SourceCaption) => {
    try {
      enqueue(
        {
          text: c.text,
          user: c.user,
          userId: c.userId,
          source: c.source,
          lang: c.lang,
          messageId: c.messageId,
          receivedAtMs: c.receivedAtMs,
          ...priorityFor(c, o.policy()),
        },
        'source',
      );
    } catch (err) {
      // Nobody waits for an answer from chat: count and log, never stop the stream.
      const code = err instanceof RelayError ? err.code : 'internal';
      metrics.sourceDroppedTotal.inc({ source: c.source, reason: code });
      log.warn({ source: c.source, user: c.user, code, err: err instanceof RelayError ? undefined : err }, 'chat readout not queued');
    }
  };

  const viewerRules = moderate<SourceCaption>({
    settings$: o.moderation$,
    queuedCount: (user) => queue.countQueuedByUser(user),
    onDrop: (reason, e) => {
      metrics.sourceDroppedTotal.inc({ source: e.source, reason });
      log.debug({ source: e.source, user: e.user, reason }, 'chat message not read');
    },
  });

  return {
    fromStreamer,
    fromSources: (captions$) =>
      captions$
        .pipe(viewerRules)
        .subscribe({ next: fromSource, error: (err: unknown) => log.error({ err }, 'source admission stopped') }),
  };
}
