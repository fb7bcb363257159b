import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { map } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { speak, TIME_SCALE } from '../../test/fakes/dashscope-asr/test-recognizer.ts';
import { type FakeAsrServer, startFakeAsrServer } from '../../test/fakes/dashscope-asr/fake-asr-server.ts';
import { scriptedSentence } from '../../test/fakes/dashscope-asr/speech-audio.ts';
import { loadConfig } from './config.ts';
import { ConfigError } from './core/errors.ts';
import { silentLogger } from './core/logger.ts';
import type { RecognizerEngine } from './core/recognizer.ts';
import { noopEngineMetrics } from './core/engine-kit/engine-metrics.ts';
import { createPromRecognizerMetrics } from './metrics/recognizer-metrics.ts';
import { createConfiguredRecognizer } from './recognizers.ts';
import { AsrVocabularySettings, hotWordsOf } from './settings/asr-vocabulary-settings.ts';
import { SettingsStore } from './settings/settings-store.ts';

let fake: FakeAsrServer | undefined;
let recognizer: RecognizerEngine | undefined;
afterEach(async () => {
  await recognizer?.close();
  await fake?.close();
  recognizer = fake = undefined;
});

const registry = () => new Registry();
const deps = (r = registry()) => ({ metrics: noopEngineMetrics, recognizerMetrics: createPromRecognizerMetrics(r) });

describe('createConfiguredRecognizer', () => {
  it('builds nothing while ASR_ENGINE is off', async () => {
    expect(await createConfiguredRecognizer(loadConfig({}, []), silentLogger, deps())).toBeUndefined();
  });

  it('refuses dashscope without a key, and a translation target on a model that does not translate', async () => {
    await expect(createConfiguredRecognizer(loadConfig({ ASR_ENGINE: 'dashscope' }, []), silentLogger, deps())).rejects.toThrow(/DASHSCOPE_API_KEY/);
    const translating = loadConfig({ ASR_ENGINE: 'dashscope', DASHSCOPE_API_KEY: 'k', ASR_MODEL: 'paraformer-realtime-v2', ASR_TRANSLATE_TO: 'en' }, []);
    await expect(createConfiguredRecognizer(translating, silentLogger, deps())).rejects.toThrow(ConfigError);
  });

  it('builds the DashScope recognizer from the settings (gummy when translating) and reports to Prometheus', async () => {
    fake = await startFakeAsrServer({ script: [scriptedSentence(200, ['你好'])], timeScale: TIME_SCALE, maxGapMs: 5000 });
    const config = loadConfig({ ASR_ENGINE: 'dashscope', DASHSCOPE_API_KEY: fake.apiKey, ASR_URL: fake.url, ASR_TRANSLATE_TO: 'en', ASR_LANGUAGE_HINTS: 'zh' }, []);
    const r = registry();
    recognizer = await createConfiguredRecognizer(config, silentLogger, deps(r));
    expect(recognizer).toMatchObject({ name: 'dashscope-asr', model: 'gummy-realtime-v1', translateTo: ['en'] });
    const session = recognizer!.open();
    await speak(session, 0, 12);
    await session.finish();
    expect(fake.runTaskLog[0]).toMatchObject({ model: 'gummy-realtime-v1', translateTo: ['en'], languageHints: [] });
    const text = await r.metrics();
    expect(text).toMatch(/relay_asr_audio_sent_seconds_total\{engine="dashscope-asr",replay="false"\} 1\.2/);
    expect(text).toMatch(/relay_asr_results_total\{engine="dashscope-asr",kind="final"\} 1/);
    expect(text).toMatch(/relay_asr_tasks_total\{engine="dashscope-asr",reason="start"\} 1/);
  });

  it('keeps the hot words of asr-vocabulary.json in a vocabulary on the host of ASR_URL, updated when the panel saves them', async () => {
    fake = await startFakeAsrServer({ timeScale: TIME_SCALE });
    const dir = mkdtempSync(join(tmpdir(), 'recognizers-'));
    const store = new SettingsStore(join(dir, 'asr-vocabulary.json'), AsrVocabularySettings);
    store.replace({ words: [{ text: 'CosyVoice', lang: 'en' }] });
    const config = loadConfig({ ASR_ENGINE: 'dashscope', DASHSCOPE_API_KEY: fake.apiKey, ASR_URL: fake.url }, []);
    const hotWords = { words$: store.value$.pipe(map(hotWordsOf)), recordPath: join(dir, 'asr-vocabulary-id.json') };
    recognizer = await createConfiguredRecognizer(config, silentLogger, { ...deps(), hotWords });
    await expect.poll(() => recognizer!.hotWords!().state).toBe('ready');
    const [vocabulary] = [...fake.vocabularyApi.vocabularies.values()];
    expect(vocabulary).toMatchObject({ targetModel: 'paraformer-realtime-v2', words: [{ text: 'CosyVoice', weight: 4, lang: 'en' }] });
    store.replace({ words: [{ text: '直播间', weight: 5 }] });
    await expect.poll(() => vocabulary!.words).toEqual([{ text: '直播间', weight: 5 }]);
    expect(fake.vocabularyApi.calls.map((c) => c.action)).toEqual(['create_vocabulary', 'update_vocabulary']);
  });
});
