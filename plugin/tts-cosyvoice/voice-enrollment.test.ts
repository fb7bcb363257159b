import { afterEach, describe, expect, it } from 'vitest';
import type { EnrollmentSample } from '../../server/src/core/engine.ts';
import type { EngineError } from '../../server/src/core/errors.ts';
import type { CloneVoice } from '../../server/src/core/types.ts';
import { captureSynthesis } from '../../test/fakes/dashscope/capture-synthesis.ts';
import { type FakeDashScope, type FakeDashScopeOptions, startFakeDashScope } from '../../test/fakes/dashscope/fake-dashscope-server.ts';
import { sampleWav } from '../../test/fakes/dashscope/sample-wav.ts';
import { testEngineOptions } from '../../test/fakes/dashscope/test-engine-options.ts';
import { type CosyVoiceEngine, type CosyVoiceEngineOptions, createCosyVoiceEngine } from './index.ts';
import { resolveCosyVoiceOptions } from './options.ts';
import type { EnrolledCloning } from './voice-enrollment.ts';

const FAST_POLLING = { pollFirstMs: 5, pollMaxMs: 20, deadlineMs: 3000 };
const SAMPLE: EnrollmentSample = { name: 'My Voice 01!', wav: sampleWav(12), promptText: '今天天气很好' };

describe('cosyvoice cloned voices (DashScope voice enrollment)', () => {
  let fake: FakeDashScope;
  const engines: CosyVoiceEngine[] = [];
  const start = async (fakeOptions: FakeDashScopeOptions = {}) => {
    fake = await startFakeDashScope(fakeOptions);
  };
  const engineFor = async (overrides: Partial<CosyVoiceEngineOptions> = {}) => {
    const engine = await createCosyVoiceEngine(testEngineOptions(fake, { enrollment: FAST_POLLING, ...overrides }));
    engines.push(engine);
    return engine;
  };
  const cloningOf = (engine: CosyVoiceEngine) => {
    expect(engine.cloning.kind).toBe('enrolled');
    return engine.cloning as EnrolledCloning;
  };
  const failure = async (promise: Promise<unknown>) => (await promise.then(() => undefined, (error: unknown) => error)) as EngineError;
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
    await fake?.close();
  });

  it('enrolls a sample for COSYVOICE_MODEL, waits until OK, speaks with the voice id, and deletes it', async () => {
    await start({ deployPolls: 3 });
    const engine = await engineFor({ workspace: 'ws-1' });
    const cloning = cloningOf(engine);
    expect(cloning.targetModel).toBe('cosyvoice-v2');

    const voiceId = await cloning.enroll(SAMPLE);
    expect(fake.customization.voices.get(voiceId)).toMatchObject({ targetModel: 'cosyvoice-v2', prefix: 'myvoice01', status: 'OK' });
    const calls = fake.customization.log;
    expect(calls.map((c) => c.action)).toEqual(['create_voice', 'query_voice', 'query_voice', 'query_voice']);
    expect(calls[0]).toMatchObject({ workspace: 'ws-1', status: 200, input: { target_model: 'cosyvoice-v2', prefix: 'myvoice01' } });
    expect(String(calls[0]!.input.url)).toMatch(/^data:audio\/wav;base64,/u);

    const clone: CloneVoice = { id: 'lib-1', engine: 'cosyvoice', enrolledVoiceId: voiceId, enrolledModel: cloning.targetModel };
    const result = await captureSynthesis(engine, { id: 'c1', text: '你好，我是克隆的声音。', voice: 'longwan_v2', clone });
    expect(result.error).toBeUndefined();
    expect(result.pcm.byteLength).toBeGreaterThan(0);
    expect(fake.runTaskLog.at(-1)).toMatchObject({ model: 'cosyvoice-v2', voice: voiceId });

    await cloning.remove(voiceId);
    expect(fake.customization.voices.size).toBe(0);
    await cloning.remove(voiceId); // already gone: still fine
    const spoken = await captureSynthesis(engine, { id: 'c2', text: '再见。', clone });
    expect((spoken.error as EngineError).code).toBe('voice_unsupported');
    expect(engine.healthy()).toBe(true);
  });

  it('speaks a clone made for another engine in the default voice', async () => {
    await start();
    const engine = await engineFor();
    const clone: CloneVoice = { id: 'lib-2', engine: 'cosyvoice-selfhost', prompt: { wav: sampleWav(6), text: '' } };
    const result = await captureSynthesis(engine, { id: 'c3', text: '你好。', voice: 'longwan_v2', clone });
    expect(result.error).toBeUndefined();
    expect(fake.runTaskLog.at(-1)!.voice).toBe('longxiaochun_v2');
  });

  it('names what is wrong with a refused sample, and leaves no voice behind', async () => {
    await start();
    const cloning = cloningOf(await engineFor());
    const tooShort = await failure(cloning.enroll({ ...SAMPLE, wav: sampleWav(2) }));
    expect(tooShort).toMatchObject({ code: 'invalid_audio', retryable: false });
    expect(tooShort.message).toMatch(/duration.*10–20 s/su);

    // Silence passes the upload's checks and is refused after review (UNDEPLOYED); the voice is deleted.
    const silent = await failure(cloning.enroll({ ...SAMPLE, wav: sampleWav(12, { silent: true }) }));
    expect(silent).toMatchObject({ code: 'invalid_audio' });
    expect(silent.message).toMatch(/UNDEPLOYED/u);
    await expect.poll(() => fake.customization.voices.size).toBe(0);
  });

  it('tells the account quota from throttling, and rides out throttling while polling', async () => {
    await start({ maxVoices: 1 });
    const cloning = cloningOf(await engineFor());
    fake.customization.injectFault({ kind: 'http-error', status: 429, code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded, please try again later.', action: 'create_voice' });
    expect(await failure(cloning.enroll(SAMPLE))).toMatchObject({ code: 'upstream_throttled', retryable: true });

    fake.customization.injectFault({ kind: 'http-error', status: 429, code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded, please try again later.', action: 'query_voice' }, 2);
    const voiceId = await cloning.enroll(SAMPLE);
    expect(fake.customization.voices.get(voiceId)?.status).toBe('OK');

    const quota = await failure(cloning.enroll(SAMPLE));
    expect(quota).toMatchObject({ code: 'enrollment_quota', retryable: false });
    expect(quota.message).toMatch(/delete cloned voices/u);
  });

  it('refuses a bad key and a model that cannot be cloned for, naming the setting', async () => {
    await start();
    const wrongKey = cloningOf(await engineFor({ apiKey: 'wrong', pool: { minIdle: 0 } }));
    expect(await failure(wrongKey.enroll(SAMPLE))).toMatchObject({ code: 'auth_failed' });
    const oldModel = cloningOf(await engineFor({ model: 'cosyvoice-v9', pool: { minIdle: 0 } }));
    const refused = await failure(oldModel.enroll(SAMPLE));
    expect(refused).toMatchObject({ code: 'model_unsupported' });
    expect(refused.message).toMatch(/COSYVOICE_MODEL "cosyvoice-v9"/u);
  });

  it('a voice enrolled for another model: refused before run-task when the library knows its model, by DashScope otherwise', async () => {
    await start();
    const v2 = await engineFor();
    const voiceId = await cloningOf(v2).enroll(SAMPLE);
    const v3 = await engineFor({ model: 'cosyvoice-v3-flash', voice: 'longanyang' });
    const runTasks = fake.runTaskLog.length;

    const known = await captureSynthesis(v3, { id: 'w1', text: '你好。', clone: { id: 'lib-3', engine: 'cosyvoice', enrolledVoiceId: voiceId, enrolledModel: 'cosyvoice-v2' } });
    expect(known.error).toMatchObject({ code: 'clone_model_mismatch' });
    expect((known.error as Error).message).toMatch(/enrolled for cosyvoice-v2, but COSYVOICE_MODEL is cosyvoice-v3-flash/u);
    expect(fake.runTaskLog.length).toBe(runTasks);

    const unknown = await captureSynthesis(v3, { id: 'w2', text: '你好。', clone: { id: 'lib-3', engine: 'cosyvoice', enrolledVoiceId: voiceId } });
    expect(unknown.error).toMatchObject({ code: 'voice_unsupported', retryable: false });
    expect((unknown.error as Error).message).toMatch(/binds a cloned voice to the model it was enrolled for/u);
    expect(fake.runTaskLog.at(-1)).toMatchObject({ model: 'cosyvoice-v3-flash', voice: voiceId });
    expect(v3.healthy()).toBe(true); // one library voice is wrong, not the engine
  });

  it('gives up on a voice still DEPLOYING at the deadline (and deletes it); an abort stops the wait', async () => {
    await start();
    const cloning = cloningOf(await engineFor({ enrollment: { ...FAST_POLLING, deadlineMs: 150 } }));
    fake.customization.injectFault({ kind: 'stuck-deploying' });
    const late = await failure(cloning.enroll(SAMPLE));
    expect(late).toMatchObject({ code: 'enrollment_timeout' });
    expect(late.message).toMatch(/still DEPLOYING after 150 ms/u);
    await expect.poll(() => fake.customization.voices.size).toBe(0);

    fake.customization.injectFault({ kind: 'stuck-deploying' });
    const abort = new AbortController();
    const enrolling = failure(cloning.enroll(SAMPLE, abort.signal));
    await expect.poll(() => fake.customization.voices.size).toBe(1);
    abort.abort();
    expect(await enrolling).toMatchObject({ code: 'cancelled' });
    await expect.poll(() => fake.customization.voices.size).toBe(0);
  });

  it('applies instruct only on models that take it, and says so in speechParams', async () => {
    await start();
    const v3 = await engineFor({ model: 'cosyvoice-v3-flash', voice: 'longanyang' });
    expect(v3.speechParams).toContain('instruct');
    const spoken = await captureSynthesis(v3, { id: 'i1', text: '你好。', instruct: '你说话的情感是happy。' });
    expect(spoken.error).toBeUndefined();
    expect(fake.runTaskLog.at(-1)).toMatchObject({ model: 'cosyvoice-v3-flash', instruction: '你说话的情感是happy。' });
    const tooLong = await captureSynthesis(v3, { id: 'i2', text: '你好。', instruct: '开'.repeat(129) });
    expect(tooLong.error).toMatchObject({ code: 'instruct_too_long' });

    const v2 = await engineFor();
    expect(v2.speechParams).not.toContain('instruct');
    const plain = await captureSynthesis(v2, { id: 'i3', text: '你好。', instruct: '用四川话说' });
    expect(plain.error).toBeUndefined();
    expect(fake.runTaskLog.at(-1)!.model).toBe('cosyvoice-v2');
    expect(fake.runTaskLog.at(-1)!.instruction).toBeUndefined();
  });
});

describe('cosyvoice enrollment endpoint', () => {
  const resolve = (urls: string[], enrollUrl?: string) =>
    resolveCosyVoiceOptions({ apiKey: 'k', urls, ...(enrollUrl ? { enrollUrl } : {}) }).enrollUrl;

  it('is on the inference host (wss → https), or COSYVOICE_ENROLL_URL', () => {
    expect(resolve(['wss://dashscope.aliyuncs.com/api-ws/v1/inference'])).toBe('https://dashscope.aliyuncs.com/api/v1/services/audio/tts/customization');
    expect(resolve(['wss://ws1.cn-beijing.maas.aliyuncs.com/api-ws/v1/inference'])).toBe('https://ws1.cn-beijing.maas.aliyuncs.com/api/v1/services/audio/tts/customization');
    expect(resolve(['ws://127.0.0.1:9000/api-ws/v1/inference'])).toBe('http://127.0.0.1:9000/api/v1/services/audio/tts/customization');
    expect(resolve(['wss://a/api-ws/v1/inference'], 'http://127.0.0.1:1/x')).toBe('http://127.0.0.1:1/x');
    expect(() => resolve(['wss://a/api-ws/v1/inference'], 'ftp://x')).toThrow(/COSYVOICE_ENROLL_URL/u);
  });
});
