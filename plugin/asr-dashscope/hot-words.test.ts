/** Hot words from the settings file, kept in one upstream vocabulary (against the fake's vocabulary API). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BehaviorSubject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { HotWord, RecognizerEngine } from '../../server/src/core/recognizer.ts';
import { type FakeAsrServer, startFakeAsrServer } from '../../test/fakes/dashscope-asr/fake-asr-server.ts';
import { speak, TIME_SCALE, testRecognizerOptions, waitForState } from '../../test/fakes/dashscope-asr/test-recognizer.ts';
import { createDashScopeRecognizer, type DashScopeRecognizerOptions } from './index.ts';
import { customizationUrl } from './vocabulary-api.ts';

const WORDS: HotWord[] = [
  { text: 'CosyVoice', weight: 4, lang: 'en' },
  { text: '直播间', weight: 4 },
];

let fake: FakeAsrServer;
let recordPath: string;
const engines: RecognizerEngine[] = [];

async function start(words$: BehaviorSubject<readonly HotWord[]>, overrides: Partial<DashScopeRecognizerOptions> = {}) {
  const engine = await createDashScopeRecognizer(
    testRecognizerOptions(fake, { hotWords: { words$, recordPath, retryDelayMs: 20, maxRetryDelayMs: 40 }, ...overrides }),
  );
  engines.push(engine);
  return engine;
}

/** Until the hot words are no longer syncing (the fake answers at once). */
async function synced(engine: RecognizerEngine) {
  for (let i = 0; i < 200 && engine.hotWords?.().state === 'syncing'; i++) await new Promise((r) => setTimeout(r, 5));
  return engine.hotWords!();
}

/** Opens a session until its task runs: the run-task it sent is the last in the fake's log. */
async function runOneTask(engine: RecognizerEngine) {
  const session = engine.open();
  const running = waitForState(session, 'running');
  await speak(session, 0, 2);
  await running;
  session.abort();
  return fake.runTaskLog.at(-1)!;
}

const actions = () => fake.vocabularyApi.calls.map((c) => c.action);

async function setUp() {
  fake = await startFakeAsrServer({ timeScale: TIME_SCALE });
  recordPath = join(mkdtempSync(join(tmpdir(), 'hot-words-')), 'asr-vocabulary-id.json');
}

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  await fake?.close();
});

describe('hot words (asr-vocabulary.json → a DashScope vocabulary)', () => {
  it('finds the vocabulary API on the host of ASR_URL', () => {
    expect(customizationUrl('wss://dashscope.aliyuncs.com/api-ws/v1/inference')).toBe('https://dashscope.aliyuncs.com/api/v1/services/audio/asr/customization');
    expect(customizationUrl('wss://dashscope-intl.aliyuncs.com/api-ws/v1/inference')).toBe('https://dashscope-intl.aliyuncs.com/api/v1/services/audio/asr/customization');
    expect(customizationUrl('ws://127.0.0.1:4000/api-ws/v1/inference')).toBe('http://127.0.0.1:4000/api/v1/services/audio/asr/customization');
  });

  it('creates the vocabulary once for the model, uses it in the next run-task, updates it in place on a change', async () => {
    await setUp();
    const words$ = new BehaviorSubject<readonly HotWord[]>(WORDS);
    const engine = await start(words$);
    const status = await synced(engine);
    expect(status).toMatchObject({ source: 'file', state: 'ready', words: 2 });
    const [vocabulary] = [...fake.vocabularyApi.vocabularies.values()];
    expect(vocabulary).toMatchObject({ vocabularyId: status.vocabularyId, targetModel: 'paraformer-realtime-v2', words: WORDS });
    expect((await runOneTask(engine)).vocabularyId).toBe(status.vocabularyId);

    words$.next([...WORDS, { text: 'Goodbye Mr. Loser', weight: 5, lang: 'en' }]);
    expect(await synced(engine)).toMatchObject({ state: 'ready', words: 3, vocabularyId: status.vocabularyId });
    expect(actions()).toEqual(['create_vocabulary', 'update_vocabulary']);
    expect(fake.vocabularyApi.vocabularies.size).toBe(1);
    expect(vocabulary!.words).toHaveLength(3);
    expect((await runOneTask(engine)).vocabularyId).toBe(status.vocabularyId);

    // No words: tasks run without a vocabulary, which is kept upstream for when words come back.
    words$.next([]);
    expect(await synced(engine)).toMatchObject({ state: 'none', words: 0 });
    expect((await runOneTask(engine)).vocabularyId).toBeUndefined();
    expect(fake.vocabularyApi.vocabularies.size).toBe(1);
  });

  it('remembers the id in the data dir: a restart with the same words calls nothing, with new words updates', async () => {
    await setUp();
    const first = await start(new BehaviorSubject<readonly HotWord[]>(WORDS));
    const { vocabularyId } = await synced(first);
    expect(JSON.parse(readFileSync(recordPath, 'utf8'))).toMatchObject({ vocabularyId, targetModel: 'paraformer-realtime-v2' });
    await first.close();

    const again = await start(new BehaviorSubject<readonly HotWord[]>(WORDS));
    expect(await synced(again)).toMatchObject({ state: 'ready', vocabularyId });
    expect((await runOneTask(again)).vocabularyId).toBe(vocabularyId);
    await again.close();

    const changed = await start(new BehaviorSubject<readonly HotWord[]>([{ text: '弹幕', weight: 3, lang: 'zh' }]));
    expect(await synced(changed)).toMatchObject({ state: 'ready', vocabularyId });
    expect(actions()).toEqual(['create_vocabulary', 'update_vocabulary']);
    expect(fake.vocabularyApi.vocabularies.get(vocabularyId!)!.words).toEqual([{ text: '弹幕', weight: 3, lang: 'zh' }]);
  });

  it('creates a new vocabulary when the model changed (deleting the old one) or the old one is gone upstream', async () => {
    await setUp();
    const gummy = await start(new BehaviorSubject<readonly HotWord[]>(WORDS), { model: 'gummy-realtime-v1' });
    const { vocabularyId: forGummy } = await synced(gummy);
    await gummy.close();

    const paraformer = await start(new BehaviorSubject<readonly HotWord[]>(WORDS));
    const { vocabularyId: forParaformer } = await synced(paraformer);
    expect(forParaformer).not.toBe(forGummy);
    await expect.poll(() => [...fake.vocabularyApi.vocabularies.keys()]).toEqual([forParaformer]);
    await paraformer.close();

    fake.vocabularyApi.vocabularies.clear(); // deleted in the console
    const recreated = await start(new BehaviorSubject<readonly HotWord[]>([{ text: '主播', weight: 4 }]));
    const { vocabularyId } = await synced(recreated);
    expect(vocabularyId).toBeDefined();
    expect(vocabularyId).not.toBe(forParaformer);
    expect(JSON.parse(readFileSync(recordPath, 'utf8')).vocabularyId).toBe(vocabularyId);
  });

  it('reports refused words, a refused key and a full quota; recognition goes on without hot words', async () => {
    await setUp();
    const words$ = new BehaviorSubject<readonly HotWord[]>([{ text: '一二三四五六七八九十一二三四五六', weight: 4 }]);
    const engine = await start(words$);
    const refused = await synced(engine);
    expect(refused).toMatchObject({ state: 'failed', words: 1 });
    expect(refused.vocabularyId).toBeUndefined();
    expect(refused.error).toMatch(/^vocabulary_refused: DashScope refused the hot words \(HTTP 400 InvalidParameter: vocabulary\[0\]\.text .* too long/);
    expect(engine.healthy()).toBe(true);
    expect((await runOneTask(engine)).vocabularyId).toBeUndefined();

    fake.vocabularyApi.injectError(401, 'InvalidApiKey', 'Invalid API-key provided.');
    words$.next(WORDS);
    expect((await synced(engine)).error).toMatch(/^auth_failed: DashScope rejected COSYVOICE_API_KEY/);

    fake.vocabularyApi.maxVocabularies = 0;
    words$.next([...WORDS]);
    expect((await synced(engine)).error).toMatch(/^vocabulary_quota: the account's vocabulary quota is used up/);
    await new Promise((r) => setTimeout(r, 100));
    expect(actions()).toEqual(['create_vocabulary', 'create_vocabulary', 'create_vocabulary']);
    expect(fake.vocabularyApi.vocabularies.size).toBe(0);
  });

  it('retries a transient failure with backoff', async () => {
    await setUp();
    fake.vocabularyApi.injectError(500, 'InternalError', 'Internal server error!', 2);
    const engine = await start(new BehaviorSubject<readonly HotWord[]>(WORDS));
    expect((await synced(engine)).error).toMatch(/^upstream_error: /);
    await expect.poll(() => engine.hotWords!().state).toBe('ready');
    expect(actions()).toEqual(['create_vocabulary', 'create_vocabulary', 'create_vocabulary']);
    expect(fake.vocabularyApi.vocabularies.size).toBe(1);
  });

  it('ASR_VOCABULARY_ID wins: used as given, the file is not synced', async () => {
    await setUp();
    const engine = await start(new BehaviorSubject<readonly HotWord[]>(WORDS), { vocabularyId: 'vocab-console-1' });
    expect(engine.hotWords!()).toEqual({ source: 'setting', words: 0, state: 'ready', vocabularyId: 'vocab-console-1' });
    expect((await runOneTask(engine)).vocabularyId).toBe('vocab-console-1');
    expect(fake.vocabularyApi.calls).toEqual([]);
  });

  it('a record it cannot read is replaced (a new vocabulary is created)', async () => {
    await setUp();
    writeFileSync(recordPath, '{not json');
    const engine = await start(new BehaviorSubject<readonly HotWord[]>(WORDS));
    expect(await synced(engine)).toMatchObject({ state: 'ready' });
    expect(actions()).toEqual(['create_vocabulary']);
  });
});
