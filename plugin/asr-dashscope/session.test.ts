import { describe, expect, it } from 'vitest';
import { scriptedSentence } from '../../test/fakes/dashscope-asr/speech-audio.ts';
import { finals, recognizerFixture, transcribe } from '../../test/fakes/dashscope-asr/test-recognizer.ts';

// Source clock: 你好 世界 (0.5–1.1 s), 今天 天气 不错 (2.0–2.9 s), 我们 开始 吧 (4.0–4.9 s).
const SCRIPT = [
  scriptedSentence(500, ['你好', '世界'], { en: 'Hello world.' }),
  scriptedSentence(2000, ['今天', '天气', '不错'], { en: 'Nice weather today.' }),
  scriptedSentence(4000, ['我们', '开始', '吧'], { en: "Let's begin." }),
];
const TEXTS = ['你好世界。', '今天天气不错。', '我们开始吧。'];

const fixture = recognizerFixture(SCRIPT, { maxGapMs: 3000 });
const { setUp } = fixture;

describe('DashScope recognizer session', () => {
  it('streams partials then one final per sentence, with stable ids and word times on the session clock', async () => {
    const engine = await setUp({}, { languageHints: ['zh', 'en'] });
    const { session, results: all, statuses } = await transcribe(engine, 56);
    expect(finals(all).map((r) => r.text)).toEqual(TEXTS);
    expect(finals(all).map((r) => r.sentenceId)).toEqual(['s1', 's2', 's3']);
    const first = all.filter((r) => r.sentenceId === 's1');
    expect(first.map((r) => r.kind)).toEqual(['partial', 'partial', 'final']);
    expect(first.map((r) => r.text)).toEqual(['你好', '你好世界。', '你好世界。']);
    expect(finals(all)[1]).toMatchObject({ startMs: 2000, endMs: 2900 });
    expect(finals(all)[1]!.words).toEqual([
      { text: '今天', punctuation: '', startMs: 2000, endMs: 2300 },
      { text: '天气', punctuation: '', startMs: 2300, endMs: 2600 },
      { text: '不错', punctuation: '。', startMs: 2600, endMs: 2900 },
    ]);
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'running', 'stopped']);
    expect(fixture.fake.runTaskLog).toEqual([
      expect.objectContaining({ model: 'paraformer-realtime-v2', format: 'pcm', sampleRateHz: 16_000, languageHints: ['zh', 'en'], heartbeat: true }),
    ]);
    expect(fixture.fake.stats.pacing).toEqual([]);
    expect(fixture.fake.stats.tasksFinished).toBe(1);
    expect(session.usage()).toMatchObject({ audioWrittenMs: 5600, audioSentMs: 5600, audioReplayedMs: 0, audioDroppedMs: 0, tasksStarted: 1, finals: 3 });
  });

  it('streams translations with the transcription on gummy-realtime-v1 when a target is set', async () => {
    const engine = await setUp({}, { translateTo: ['en'] });
    expect(engine.model).toBe('gummy-realtime-v1');
    const { results: all } = await transcribe(engine, 56);
    expect(finals(all).map((r) => [r.text, r.translations])).toEqual([
      ['你好世界。', [{ lang: 'en', text: 'Hello world.' }]],
      ['今天天气不错。', [{ lang: 'en', text: 'Nice weather today.' }]],
      ['我们开始吧。', [{ lang: 'en', text: "Let's begin." }]],
    ]);
    expect(all.some((r) => r.kind === 'partial' && r.translations.length === 1)).toBe(true);
    expect(fixture.fake.runTaskLog[0]).toMatchObject({ model: 'gummy-realtime-v1', transcriptionEnabled: true, translationEnabled: true, translateTo: ['en'] });
  });

  it('holds a final until its translations are final when they come in a later event', async () => {
    const engine = await setUp({ lateTranslations: true }, { translateTo: ['en'] });
    const { results: all } = await transcribe(engine, 56);
    expect(finals(all).map((r) => r.translations[0]?.text)).toEqual(['Hello world.', 'Nice weather today.', "Let's begin."]);
    expect(finals(all).map((r) => r.sentenceId)).toEqual(['s1', 's2', 's3']);
  });
});
