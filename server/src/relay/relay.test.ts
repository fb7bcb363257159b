import { Observable, of, Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeEngine } from '../../../test/support/fake-engine.ts';
import { chainOf } from '../core/engine-kit/engine-chain.ts';
import type { TtsEngine } from '../core/engine.ts';
import { silentLogger } from '../core/logger.ts';
import type { OverlayEvent } from '../core/protocol.ts';
import type { SourceEvent } from '../core/source.ts';
import type { SpeechParam, SynthesisOutput, SynthesisRequest } from '../core/types.ts';
import { createMetrics } from '../metrics/registry.ts';
import { queueTestKit } from '../queue/test-kit.ts';
import { VoicesSettings } from '../settings/voices-settings.ts';
import { createRelay, type Relay, type RelayOptions } from './relay.ts';

const kit = queueTestKit();
let relay: Relay | undefined;
afterEach(() => relay?.close());

const audio: SynthesisOutput = { kind: 'audio', pcm: new Uint8Array(3_200), sampleRateHz: 16_000 };

/** A relay over a real queue whose engine sends one chunk per readout and then holds the stream open. */
function relayWithHangingEngine() {
  const synthesizing = new Map<string, { closed: boolean }>();
  const engine = fakeEngine({
    synthesize: (r: SynthesisRequest) =>
      new Observable<SynthesisOutput>((s) => {
        const state = { closed: false };
        synthesizing.set(r.id, state);
        s.next(audio);
        return () => (state.closed = true);
      }),
  });
  const relay = relayOver(engine);
  const events: OverlayEvent[] = [];
  relay.feed.events$.subscribe((e) => events.push(e));
  return { relay, events, synthesizing };
}

/** A relay over a real queue and `engine`, one readout at a time, an overlay connected. */
function relayOver(engine: TtsEngine, options: Partial<RelayOptions> = {}): Relay {
  relay = createRelay({
    queue: kit.open(),
    engine: chainOf(engine),
    metrics: createMetrics(),
    log: silentLogger,
    maxTextChars: 200,
    maxInFlight: 1,
    dedupeWindowMs: 0,
    ackGraceMs: 60_000,
    ...options,
  });
  relay.overlayConnectionsChanged(1);
  return relay;
}

const typesOf = (events: OverlayEvent[], id: string) => events.filter((e) => 'id' in e.data && e.data.id === id).map((e) => e.type);
const until = (check: () => boolean) => expect.poll(check, { timeout: 5_000 }).toBe(true);

describe('relay: one cancel path', () => {
  it('a skip mid-synthesis stops the engine, tells the overlays once, frees the slot and records the skip', async () => {
    const { relay, events, synthesizing } = relayWithHangingEngine();
    const a = (await relay.submit({ text: 'first readout' })).id;
    const b = (await relay.submit({ text: 'second readout' })).id;
    await until(() => synthesizing.has(a));
    expect(relay.skip(a)).toBe(true);
    expect(synthesizing.get(a)!.closed).toBe(true);
    expect(typesOf(events, a)).toEqual(['utterance:start', 'audio:chunk', 'utterance:cancel']);
    expect(events.find((e) => e.type === 'utterance:cancel')?.data).toEqual({ id: a, reason: 'skipped' });
    await until(() => synthesizing.has(b));
    expect(relay.listQueue().find((u) => u.id === a)?.state).toBe('skipped');
  });

  it('a ban from a source stops the playing readout of that user through the same path', async () => {
    const { relay, events, synthesizing } = relayWithHangingEngine();
    const sourceEvents$ = new Subject<SourceEvent>();
    relay.connectSources(sourceEvents$);
    const receivedAtMs = Date.now();
    sourceEvents$.next({ type: 'caption', kind: 'chat', text: 'hello there', user: 'troll', userId: '42', roles: ['viewer'], messageId: 'm1', source: 'twitch', receivedAtMs });
    const [readout] = relay.listQueue();
    await until(() => synthesizing.has(readout!.id));
    sourceEvents$.next({ type: 'clear-user', source: 'twitch', user: 'troll', userId: '42', receivedAtMs });
    expect(synthesizing.get(readout!.id)!.closed).toBe(true);
    expect(events.filter((e) => e.type === 'utterance:cancel').map((e) => e.data)).toEqual([{ id: readout!.id, reason: 'banned' }]);
    expect(relay.listQueue()[0]).toMatchObject({ id: readout!.id, state: 'dropped', reason: 'banned' });
  });

  it('subtitle lines from a source are shown, not queued', () => {
    const { relay, events } = relayWithHangingEngine();
    const sourceEvents$ = new Subject<SourceEvent>();
    relay.connectSources(sourceEvents$);
    sourceEvents$.next({ type: 'subtitle', source: 'asr', messageId: 's1', text: '大家好', final: false, receivedAtMs: Date.now() });
    expect(events).toEqual([{ type: 'subtitle:line', data: { id: 's1', text: '大家好', final: false } }]);
    expect(relay.listQueue()).toEqual([]);
  });
});


describe('relay: voices and instructions', () => {
  /** A relay whose engine (`speechParams` as given) speaks one chunk per readout and finishes. */
  function relayWithEngine(speechParams: SpeechParam[], voiceRules?: Partial<VoicesSettings>) {
    const requests: SynthesisRequest[] = [];
    const engine = fakeEngine({
      name: 'one',
      speechParams,
      voices: () => ['narrator', 'robot'],
      synthesize: (r: SynthesisRequest) => {
        requests.push(r);
        return of(audio);
      },
    });
    return { relay: relayOver(engine, { voiceRules: () => VoicesSettings.parse(voiceRules ?? {}) }), requests };
  }

  it("the caption's voice and instruction reach the engine; an engine that cannot apply the instruction plays without it, counted and noted", async () => {
    const { relay, requests } = relayWithEngine(['rate']);
    const { id } = await relay.submit({ text: 'hello', voice: 'robot', instruct: '用开心的语气说' });
    await until(() => requests.length === 1);
    expect(requests[0]).toMatchObject({ id, text: 'hello', voice: 'robot', instruct: '用开心的语气说' });
    await until(() => relay.health().engine.instructIgnored === 1);
    relay.playbackEnded(id);
    await until(() => relay.listQueue()[0]?.state === 'played');
    expect(relay.listQueue()[0]).toMatchObject({ voice: 'robot', note: 'instruct ignored: one cannot apply instructions' });
    expect(relay.history({ limit: 10 })[0]).toMatchObject({ voice: 'robot', instruct: '用开心的语气说' });
  });

  it('an engine that applies instructions leaves no note; an unknown voice is refused with unknown_voice', async () => {
    const { relay, requests } = relayWithEngine(['instruct']);
    await expect(relay.submit({ text: 'hello', voice: 'nobody' })).rejects.toThrow(expect.objectContaining({ code: 'unknown_voice', httpStatus: 400 }));
    const { id } = await relay.submit({ text: 'hello', instruct: 'softly' });
    await until(() => requests.length === 1);
    relay.playbackEnded(id);
    await until(() => relay.listQueue()[0]?.state === 'played');
    expect(relay.health().engine.instructIgnored).toBe(0);
    expect(relay.listQueue()[0]?.note).toBeUndefined();
  });

  it('a chat caption gets the voice of its source from the rules', async () => {
    const { relay, requests } = relayWithEngine([], { sources: { twitch: 'narrator' } });
    const sourceEvents$ = new Subject<SourceEvent>();
    relay.connectSources(sourceEvents$);
    sourceEvents$.next({ type: 'caption', kind: 'chat', text: 'hi', user: 'v', roles: ['viewer'], messageId: 'm1', source: 'twitch', receivedAtMs: Date.now() });
    await until(() => requests.length === 1);
    expect(requests[0]).toMatchObject({ voice: 'narrator' });
    expect(relay.listQueue()[0]).toMatchObject({ voice: 'narrator' });
  });
});
