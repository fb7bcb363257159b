import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnrollmentSample, TtsEngine, VoiceCloning } from '../core/engine.ts';
import { EngineError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import { fakeEngine } from '../../../test/support/fake-engine.ts';
import { tone, wavOf } from './test-samples.ts';
import { createVoiceLibrary, type VoiceLibrary } from './voice-library.ts';

/** A DashScope-like engine: enrolls into a map, `remove` deletes from it. */
function enrollingEngine(targetModel = 'cosyvoice-v2', fail?: EngineError) {
  const upstream = new Map<string, EnrollmentSample>();
  const cloning: VoiceCloning = {
    kind: 'enrolled',
    targetModel,
    async enroll(sample) {
      if (fail) throw fail;
      const id = `${targetModel}-prefix-${upstream.size + 1}`;
      upstream.set(id, sample);
      return id;
    },
    async remove(id) {
      upstream.delete(id);
    },
  };
  return { engine: fakeEngine({ name: 'cosyvoice', cloning, voices: () => ['longxiaochun_v2'] }), upstream };
}

const selfhost = fakeEngine({ name: 'cosyvoice-selfhost', cloning: { kind: 'prompt' }, voices: () => ['中文女', '英文男'] });
const embedded = fakeEngine({ name: 'embedded', voices: () => ['en-us', 'cmn'] });
const sample = wavOf([tone(4, 24_000)], 24_000);

const libraries: { library: VoiceLibrary; dir: string }[] = [];
function libraryOf(engines: TtsEngine[], dir = mkdtempSync(join(tmpdir(), 'voice-library-'))): VoiceLibrary {
  const library = createVoiceLibrary({ dir, engines, log: silentLogger });
  libraries.push({ library, dir });
  return library;
}
afterEach(() => {
  for (const { library, dir } of libraries.splice(0)) {
    library.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('voice library: resolve', () => {
  it('finds a clone by id or by name in any case, with its prompt for the self-hosted engine', async () => {
    const library = libraryOf([selfhost, embedded]);
    const { id } = await library.create({ name: 'Streamer', engine: 'cosyvoice-selfhost', promptText: '大家好', language: 'zh-CN', audio: sample });
    const byId = library.resolve(id);
    expect(byId).toMatchObject({ kind: 'clone', name: 'Streamer', clone: { id, engine: 'cosyvoice-selfhost', prompt: { text: '大家好', lang: 'zh-CN' } } });
    expect(library.resolve('sTrEaMeR')).toEqual(byId);
    const wav = byId?.kind === 'clone' ? byId.clone.prompt?.wav : undefined;
    expect(wav && new DataView(wav.buffer, wav.byteOffset).getUint32(24, true)).toBe(16_000);
  });

  it('finds presets by id or by name (the first engine of the chain that has it), else nothing', () => {
    const library = libraryOf([selfhost, embedded]);
    expect(library.resolve('embedded:en-us')).toEqual({ kind: 'preset', name: 'en-us', engine: 'embedded' });
    expect(library.resolve('EN-US')).toEqual({ kind: 'preset', name: 'en-us', engine: 'embedded' });
    expect(library.resolve('中文女')).toEqual({ kind: 'preset', name: '中文女', engine: 'cosyvoice-selfhost' });
    expect(library.resolve('nobody')).toBeUndefined();
    expect(library.resolve('embedded:nobody')).toBeUndefined();
  });

  it('gives an enrolled voice its voice id, and refuses it once the engine uses another model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voice-library-'));
    const v2 = enrollingEngine('cosyvoice-v2');
    const first = libraryOf([v2.engine], dir);
    const { id } = await first.create({ name: 'cloud', engine: 'cosyvoice', promptText: '', audio: sample });
    expect(first.resolve('cloud')).toEqual({ kind: 'clone', name: 'cloud', clone: { id, engine: 'cosyvoice', enrolledVoiceId: 'cosyvoice-v2-prefix-1' } });
    expect(v2.upstream.get('cosyvoice-v2-prefix-1')).toMatchObject({ name: 'cloud', promptText: '' });
    first.close();
    libraries.pop();

    const later = libraryOf([enrollingEngine('cosyvoice-v3-plus').engine], dir);
    expect(() => later.resolve('cloud')).toThrow(
      expect.objectContaining({ code: 'voice_unavailable', message: expect.stringMatching(/enrolled for model cosyvoice-v2, but cosyvoice now uses cosyvoice-v3-plus/) }),
    );
    expect(later.list().find((v) => v.id === id)?.unavailable).toMatch(/create the voice again/);
  });

  it('refuses a clone whose engine is no longer configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voice-library-'));
    await libraryOf([selfhost], dir).create({ name: 'mine', engine: 'cosyvoice-selfhost', promptText: '', audio: sample });
    libraries.pop()!.library.close();
    expect(() => libraryOf([embedded], dir).resolve('mine')).toThrow(expect.objectContaining({ code: 'voice_unavailable', message: expect.stringMatching(/not configured/) }));
  });
});

describe('voice library: list, create, remove', () => {
  it('lists every engine\'s presets, then the clones', async () => {
    const library = libraryOf([selfhost, embedded]);
    const { id } = await library.create({ name: 'mine', engine: 'cosyvoice-selfhost', promptText: 'hello', audio: sample });
    expect(library.list()).toEqual([
      { id: 'cosyvoice-selfhost:中文女', name: '中文女', engine: 'cosyvoice-selfhost', kind: 'preset', createdAtMs: 0 },
      { id: 'cosyvoice-selfhost:英文男', name: '英文男', engine: 'cosyvoice-selfhost', kind: 'preset', createdAtMs: 0 },
      { id: 'embedded:en-us', name: 'en-us', engine: 'embedded', kind: 'preset', createdAtMs: 0 },
      { id: 'embedded:cmn', name: 'cmn', engine: 'embedded', kind: 'preset', createdAtMs: 0 },
      { id, name: 'mine', engine: 'cosyvoice-selfhost', kind: 'clone', promptText: 'hello', createdAtMs: expect.any(Number) },
    ]);
  });

  it('refuses engines that cannot clone, and names already used by a voice or a preset', async () => {
    const library = libraryOf([selfhost, embedded]);
    const create = (name: string, engine: string) => library.create({ name, engine, promptText: '', audio: sample });
    await expect(create('a', 'embedded')).rejects.toMatchObject({ code: 'unsupported_engine', httpStatus: 400 });
    await expect(create('a', 'cosyvoice')).rejects.toMatchObject({ code: 'engine_not_configured', message: expect.stringMatching(/TTS_ENGINE=cosyvoice-selfhost,embedded/) });
    await expect(libraryOf([fakeEngine({ name: 'cosyvoice-selfhost' })]).create({ name: 'a', engine: 'cosyvoice-selfhost', promptText: '', audio: sample })).rejects.toMatchObject({
      code: 'cloning_unsupported',
    });
    await expect(create('EN-US', 'cosyvoice-selfhost')).rejects.toMatchObject({ code: 'name_taken', httpStatus: 409, message: expect.stringMatching(/preset voice of embedded/) });
    await create('mine', 'cosyvoice-selfhost');
    await expect(create('MINE', 'cosyvoice-selfhost')).rejects.toMatchObject({ code: 'name_taken' });
  });

  it('takes a name once while two uploads of it run at the same time', async () => {
    const library = libraryOf([selfhost]);
    const results = await Promise.allSettled([1, 2].map(() => library.create({ name: 'twin', engine: 'cosyvoice-selfhost', promptText: '', audio: sample })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('passes an enrollment failure on and stores nothing', async () => {
    const { engine } = enrollingEngine('cosyvoice-v2', new EngineError('enrollment_failed', 'DashScope refused the sample: audio too noisy', false));
    const library = libraryOf([engine]);
    await expect(library.create({ name: 'x', engine: 'cosyvoice', promptText: '', audio: sample })).rejects.toMatchObject({ code: 'enrollment_failed' });
    expect(library.list().filter((v) => v.kind === 'clone')).toEqual([]);
  });

  it('deletes a clone (and its enrollment upstream); an unknown id or a preset is not found', async () => {
    const { engine, upstream } = enrollingEngine();
    const library = libraryOf([engine]);
    const { id } = await library.create({ name: 'x', engine: 'cosyvoice', promptText: '', audio: sample });
    expect(upstream.size).toBe(1);
    expect(library.sample(id)?.length).toBe(44 + 4 * 16_000 * 2);
    await library.remove(id);
    expect(upstream.size).toBe(0);
    expect(library.resolve('x')).toBeUndefined();
    expect(library.sample(id)).toBeUndefined();
    await expect(library.remove(id)).rejects.toMatchObject({ code: 'not_found', httpStatus: 404 });
    await expect(library.remove('cosyvoice:longxiaochun_v2')).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/preset/) });
  });
});
