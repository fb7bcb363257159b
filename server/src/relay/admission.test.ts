import { of, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import type { SourceCaption } from '../core/source.ts';
import { createMetrics } from '../metrics/registry.ts';
import { ModerationSettings } from '../moderation/settings.ts';
import { DEFAULT_QUEUE_POLICY } from '../queue/policy.ts';
import { queueTestKit } from '../queue/test-kit.ts';
import type { ResolvedVoice, VoiceResolver } from '../core/voices.ts';
import { VoicesSettings } from '../settings/voices-settings.ts';
import { createAdmission } from './admission.ts';

const kit = queueTestKit();
const BANNED = ModerationSettings.parse({ bannedWords: { words: ['spoiler'] } });

/** A library of two voices and the presets of one engine (the real library is built elsewhere). */
const VOICES: VoiceResolver = {
  resolve: (name) =>
    ({
      narrator: { kind: 'preset', name: 'narrator', engine: 'embedded' },
      robot: { kind: 'preset', name: 'robot', engine: 'embedded' },
      streamer: { kind: 'clone', name: 'streamer', clone: { id: 'v-1', engine: 'cosyvoice-selfhost' } },
    })[name] as ResolvedVoice | undefined,
};

function admissionOnQueue(maxQueued = 100, rules: Partial<VoicesSettings> = {}, defaultVoice?: string) {
  const queue = kit.open({ maxQueued });
  const metrics = createMetrics();
  let wakes = 0;
  const admission = createAdmission({
    queue,
    metrics,
    log: silentLogger,
    maxTextChars: 50,
    dedupeWindowMs: 10_000,
    moderation$: of(BANNED),
    policy: () => DEFAULT_QUEUE_POLICY,
    admitted: () => (wakes += 1),
    voices: VOICES,
    voiceRules: () => VoicesSettings.parse(rules),
    defaultVoice: () => defaultVoice,
  });
  return { queue, metrics, admission, wakes: () => wakes };
}

const chat = (text: string, extra: Partial<SourceCaption> = {}): SourceCaption => ({
  type: 'caption',
  kind: 'chat',
  text,
  user: 'viewer1',
  roles: ['viewer'],
  messageId: `m-${text}`,
  source: 'twitch',
  receivedAtMs: Date.now(),
  ...extra,
});

describe('admission', () => {
  it("the streamer's own caption skips the viewer rules, keeps its priority, is queued and wakes the pipeline before the answer", async () => {
    const { queue, admission, wakes } = admissionOnQueue();
    const answer = admission.fromStreamer({ text: 'no spoiler today', user: '  streamer ', priority: 7 });
    expect(wakes()).toBe(1); // the readout may start while the answer waits for the disk
    expect(queue.list({ limit: 10 })).toMatchObject([{ text: 'no spoiler today', state: 'queued' }]);
    const { id, duplicate } = await answer;
    expect(duplicate).toBe(false);
    expect(queue.get(id)).toMatchObject({ text: 'no spoiler today', user: 'streamer', source: 'http', priority: 7, state: 'queued' });
  });

  it('a source caption passes the viewer rules (a banned word drops it) and gets its priority class', async () => {
    const { queue, metrics, admission, wakes } = admissionOnQueue();
    const captions$ = new Subject<SourceCaption>();
    const running = admission.fromSources(captions$);
    captions$.next(chat('a spoiler here'));
    captions$.next(chat('hello chat'));
    captions$.next(chat('cheer for you', { kind: 'bits', paidAmount: { value: 100, currency: 'bits' }, user: 'payer' }));
    running.unsubscribe();
    const queued = queue.list({ limit: 10, states: ['queued'] });
    expect(queued.map((u) => [u.text, u.priority, u.paid === true])).toEqual([
      ['cheer for you', DEFAULT_QUEUE_POLICY.classes.paid, true],
      ['hello chat', DEFAULT_QUEUE_POLICY.classes.viewer, false],
    ]);
    expect(wakes()).toBe(2);
    const dropped = (await metrics.sourceDroppedTotal.get()).values.map((v) => [v.labels.reason, v.value]);
    expect(dropped).toEqual([['banned-word', 1]]);
  });

  it('bad streamer input throws a typed error and is counted as rejected; a refused source caption is counted, never thrown', async () => {
    const { admission, metrics } = admissionOnQueue(1);
    await expect(admission.fromStreamer({ text: 42 as unknown as string })).rejects.toThrow(ValidationError);
    await expect(admission.fromStreamer({ text: 'x'.repeat(51) })).rejects.toThrow(/the limit is 50/);
    const captions$ = new Subject<SourceCaption>();
    const running = admission.fromSources(captions$);
    captions$.next(chat('first'));
    expect(() => captions$.next(chat('second', { user: 'viewer2' }))).not.toThrow();
    expect(running.closed).toBe(false);
    const rejected = (await metrics.captionsTotal.get()).values.filter((v) => v.labels.result === 'rejected').map((v) => [v.labels.source, v.value]);
    // A body without a text string is refused before admission counts it (a malformed request, not a caption).
    expect(rejected).toEqual([
      ['http', 1],
      ['twitch', 1],
    ]);
    const dropped = (await metrics.sourceDroppedTotal.get()).values.map((v) => [v.labels.reason, v.value]);
    expect(dropped).toEqual([['queue_full', 1]]);
  });

  it('one set of limits: a viewer message longer than RELAY_MAX_TEXT_CHARS is cut to it (moderation allows 200), not refused', async () => {
    const { queue, metrics, admission } = admissionOnQueue();
    const captions$ = new Subject<SourceCaption>();
    const running = admission.fromSources(captions$);
    captions$.next(chat(Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ')));
    running.unsubscribe();
    const [queued] = queue.list({ limit: 1, states: ['queued'] });
    expect(queued?.text).toMatch(/^word0 word1 .*word\d+$/u);
    expect([...queued!.text].length).toBeLessThanOrEqual(50);
    expect((await metrics.captionsTotal.get()).values.filter((v) => v.labels.result === 'rejected')).toEqual([]);
  });

  it("the streamer's caption names a known voice (stored) or gets 400 unknown_voice; its instruction is stored cleaned", async () => {
    const { queue, admission, metrics } = admissionOnQueue();
    const { id } = await admission.fromStreamer({ text: 'hi', voice: 'streamer', instruct: '  用开心的语气说 ' });
    expect(queue.get(id)).toMatchObject({ voice: 'streamer', instruct: '用开心的语气说' });
    const unknown = await admission.fromStreamer({ text: 'hi', voice: 'nobody' }).catch((err: unknown) => err);
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(unknown).toMatchObject({ code: 'unknown_voice', httpStatus: 400 });
    const rejected = (await metrics.captionsTotal.get()).values.filter((v) => v.labels.result === 'rejected');
    expect(rejected.map((v) => v.value)).toEqual([1]);
  });

  it('source captions get their voice from the rules at admission (stored with the readout)', () => {
    const { queue, admission } = admissionOnQueue(100, { sources: { twitch: 'narrator' }, users: { 'twitch:42': 'robot' } }, 'fallback');
    const captions$ = new Subject<SourceCaption>();
    const running = admission.fromSources(captions$);
    captions$.next(chat('from anyone'));
    captions$.next(chat('from 42', { user: 'v42', userId: '42' }));
    captions$.next(chat('from bilibili', { user: 'b', source: 'bilibili' }));
    running.unsubscribe();
    const voices = queue.list({ limit: 10, states: ['queued'] }).map((u) => [u.text, u.voice]);
    expect(voices).toEqual([
      ['from anyone', 'narrator'],
      ['from 42', 'robot'],
      ['from bilibili', 'fallback'],
    ]);
  });

  describe('the chat voice command (!tts <alias>: text, after the source stripped "!tts")', () => {
    const command = {
      perViewer: ['narrator'],
      chatCommand: { enabled: true, aliases: { Robo: 'robot', boss: 'streamer' }, viewerVoices: ['robot'], moderatorVoices: ['streamer'] },
    };
    const admitted = (rules: Partial<VoicesSettings>, ...captions: SourceCaption[]) => {
      const { queue, admission } = admissionOnQueue(100, rules);
      const captions$ = new Subject<SourceCaption>();
      const running = admission.fromSources(captions$);
      captions.forEach((c) => captions$.next(c));
      running.unsubscribe();
      return queue.list({ limit: 10, states: ['queued'] }).map((u) => [u.user, u.text, u.voice]);
    };

    it("an allowed alias picks its voice (case-insensitive, ':' or '：') and is not read; an unknown alias reads the whole text with the viewer's voice", () => {
      expect(
        admitted(
          command,
          chat('robo: hello there', { user: 'a', userId: '1' }),
          chat('ROBO：你好', { user: 'b', userId: '2' }),
          chat('ghost: boo', { user: 'c', userId: '3' }),
          chat('no alias here', { user: 'd', userId: '4' }),
        ),
      ).toEqual([
        ['a', 'hello there', 'robot'],
        ['b', '你好', 'robot'],
        ['c', 'ghost: boo', 'narrator'],
        ['d', 'no alias here', 'narrator'],
      ]);
    });

    it("a moderators' voice: a moderator gets it, a viewer's alias is removed and their own voice speaks", () => {
      expect(
        admitted(
          command,
          chat('boss: listen up', { user: 'mod', userId: '5', roles: ['moderator'] }),
          chat('boss: listen up', { user: 'viewer', userId: '6' }),
        ),
      ).toEqual([
        ['mod', 'listen up', 'streamer'],
        ['viewer', 'listen up', 'narrator'],
      ]);
    });

    it('off unless the streamer allows it', () => {
      const off = { ...command, chatCommand: { ...command.chatCommand, enabled: false } };
      expect(admitted(off, chat('robo: hi', { user: 'a', userId: '1' }))).toEqual([['a', 'robo: hi', 'narrator']]);
    });

    it('only for chat: a reward redemption is read whole', () => {
      expect(admitted(command, chat('robo: hi', { user: 'a', kind: 'reward', rewardId: 'r1' }))).toEqual([['a', 'robo: hi', undefined]]);
    });

    it('the alias is not counted against the text length limit', () => {
      const { queue, admission } = admissionOnQueue(100, command);
      const captions$ = new Subject<SourceCaption>();
      const running = admission.fromSources(captions$);
      captions$.next(chat('robo: ' + 'x'.repeat(48)));
      running.unsubscribe();
      expect(queue.list({ limit: 10, states: ['queued'] }).map((u) => u.voice)).toEqual(['robot']);
    });
  });
});
