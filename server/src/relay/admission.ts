/**
 * Admission: the one way a caption enters the durable queue, and which rules apply to it by
 * origin — stated here once:
 *
 * | origin     | who                                   | viewer rules (moderation chain) | priority                      | on disk before the answer  |
 * |------------|---------------------------------------|---------------------------------|-------------------------------|----------------------------|
 * | `streamer` | POST /api/captions, the panel         | no — the streamer's own words   | as given (default 0)          | yes: the 202 is a promise (it waits for the group fsync; the readout does not) |
 * | `source`   | chat platforms, the ASR feed          | yes (deny list, roles, links, emotes, banned words, caps, cooldown, duplicates) | the queue policy's classes (paid > moderator > subscriber > viewer) | no: kill -9 safe, not power-cut safe, and a raid adds no fsyncs |
 *
 * A streamer caption is committed and the pipeline woken at once (its readout may start);
 * only the answer waits until the queue's group fsync has it on disk, off the event loop.
 *
 * Both origins then share the same steps: the voice chosen by the voice rules
 * (relay/voice-rules.ts; a chat caption may pick one with `!tts <alias>: text`,
 * relay/chat-voice-command.ts), text and name normalized, the queue's per-source bounds and
 * dedupe window, `relay_captions_total{source,result}` and one log line.
 */
import { map, type Observable, type Subscription } from 'rxjs';
import { RelayError, ValidationError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { SourceCaption } from '../core/source.ts';
import type { CaptionEvent } from '../core/types.ts';
import type { VoiceResolver } from '../core/voices.ts';
import type { CaptionInput } from '../gateway/ports.ts';
import type { Metrics } from '../metrics/registry.ts';
import { moderate, type ModerationSettings } from '../moderation/index.ts';
import { cleanText, normalizeName, normalizeText } from '../pipeline/normalize.ts';
import { priorityFor } from '../queue/priority.ts';
import type { QueuePolicy } from '../queue/policy.ts';
import type { DurableQueue } from '../queue/durable-queue.ts';
import type { VoicesSettings } from '../settings/voices-settings.ts';
import { chatVoiceCommand } from './chat-voice-command.ts';
import { chooseVoice, type VoiceRuleInput } from './voice-rules.ts';

export type Origin = 'streamer' | 'source';

/** Whether an origin's caption is on disk before admission answers (see the table above). */
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
  /** The voices a caption may name (library voices and engine presets). */
  voices: VoiceResolver;
  /** The voice rules in force (voices.json; they change at run time). */
  voiceRules: () => VoicesSettings;
  /** The global default voice (voice.json), the rules' last resort; undefined = each engine's own. */
  defaultVoice: () => string | undefined;
}

/** A source caption with the voice its chat command picked. */
type VoicedCaption = SourceCaption & { voice?: string };

export interface Admission {
  /**
   * The streamer's caption: validated, normalized, committed and handed to the pipeline at
   * once; resolves when it is on disk. Rejects with typed errors (400/413/429/503); a 503
   * after the commit (the fsync failed) leaves the caption queued: it may still be read.
   */
  fromStreamer(input: CaptionInput): Promise<{ id: string; duplicate: boolean }>;
  /** Source captions through the viewer rules into the queue; a refused one is counted and logged, never thrown. */
  fromSources(captions$: Observable<SourceCaption>): Subscription;
}

/**
 * One set of limits: a viewer message is cut to the moderation length or RELAY_MAX_TEXT_CHARS,
 * whichever is smaller, so raising the moderation length past the relay's limit cuts at the
 * relay's limit instead of refusing the message.
 */
export function withinCaptionLimit(settings: ModerationSettings, maxTextChars: number): ModerationSettings {
  if (settings.length.maxChars <= maxTextChars) return settings;
  return { ...settings, length: { ...settings.length, maxChars: maxTextChars } };
}

export function createAdmission(o: AdmissionOptions): Admission {
  const { queue, metrics, log } = o;

  const enqueue = (event: CaptionEvent, origin: Origin, ruleInput: Omit<VoiceRuleInput, keyof CaptionEvent> = {}) => {
    try {
      const text = normalizeText(event.text, o.maxTextChars);
      const user = normalizeName(event.user, MAX_USER_CHARS) || 'anonymous';
      const voice = chooseVoice({ ...event, ...ruleInput }, o.voiceRules(), o.defaultVoice());
      const fsync = FSYNC_BY_ORIGIN[origin];
      const { utterance, duplicate, dropped, onDisk } = queue.enqueue({ ...event, text, user, voice }, { dedupeWindowMs: o.dedupeWindowMs, fsync });
      metrics.captionsTotal.inc({ source: event.source, result: duplicate ? 'duplicate' : 'accepted' });
      if (!duplicate) log.info({ id: utterance.id, source: event.source, user: utterance.user, voice, chars: text.length }, 'caption accepted');
      if (dropped.length > 0) log.info({ ids: dropped.map((u) => u.id), source: event.source }, 'queue full for this source: oldest readouts dropped');
      o.admitted();
      return { id: utterance.id, duplicate, onDisk };
    } catch (err) {
      metrics.captionsTotal.inc({ source: event.source, result: 'rejected' });
      throw err;
    }
  };

  const fromStreamer = async (input: CaptionInput) => {
    if (typeof input.text !== 'string') throw new ValidationError('invalid_body', 'text must be a string');
    if (input.voice !== undefined && !o.voices.resolve(input.voice)) {
      metrics.captionsTotal.inc({ source: input.source ?? 'http', result: 'rejected' });
      throw new ValidationError('unknown_voice', `no voice named ${JSON.stringify(input.voice)}: see GET /api/voices for the library and the engines' presets`);
    }
    const instruct = input.instruct === undefined ? '' : cleanText(input.instruct);
    const { id, duplicate, onDisk } = enqueue(
      {
        text: input.text,
        user: input.user?.trim() || 'anonymous',
        source: input.source ?? 'http',
        priority: input.priority ?? 0,
        voice: input.voice,
        ...(instruct !== '' && { instruct }),
        lang: input.lang,
        receivedAtMs: Date.now(),
      },
      'streamer',
    );
    try {
      await onDisk;
    } catch (err) {
      log.error({ id, err }, 'caption queued but not confirmed on disk: answered 503');
      throw err;
    }
    return { id, duplicate };
  };

  const fromSource = (c: VoicedCaption) => {
    try {
      enqueue(
        {
          text: c.text,
          user: c.user,
          userId: c.userId,
          source: c.source,
          voice: c.voice,
          lang: c.lang,
          messageId: c.messageId,
          receivedAtMs: c.receivedAtMs,
          ...priorityFor(c, o.policy()),
        },
        'source',
        { rewardId: c.rewardId, giftName: c.giftName },
      );
    } catch (err) {
      // Nobody waits for an answer from chat: count and log, never stop the stream.
      const code = err instanceof RelayError ? err.code : 'internal';
      metrics.sourceDroppedTotal.inc({ source: c.source, reason: code });
      log.warn({ source: c.source, user: c.user, code, err: err instanceof RelayError ? undefined : err }, 'chat readout not queued');
    }
  };

  /** `!tts <alias>: text` picks a voice before the viewer rules read the text (they see what will be spoken). */
  const chatVoice = (c: SourceCaption): VoicedCaption => (c.kind === 'chat' ? { ...c, ...chatVoiceCommand(c.text, c.roles, o.voiceRules().chatCommand) } : c);

  const viewerRules = moderate<VoicedCaption>({
    settings$: o.moderation$.pipe(map((s) => withinCaptionLimit(s, o.maxTextChars))),
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
        .pipe(map(chatVoice), viewerRules)
        .subscribe({ next: fromSource, error: (err: unknown) => log.error({ err }, 'source admission stopped') }),
  };
}
