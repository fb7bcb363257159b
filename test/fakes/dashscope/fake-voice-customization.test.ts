import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDashScope, startFakeDashScope } from './fake-dashscope-server.ts';
import { CUSTOMIZATION_PATH } from './fake-voice-customization.ts';
import { sampleWav } from './sample-wav.ts';

describe('fake DashScope voice customization API', () => {
  let fake: FakeDashScope;
  afterEach(() => fake?.close());

  const post = async (input: Record<string, unknown>, { key = fake.apiKey, model = 'voice-enrollment' } = {}) => {
    const url = fake.url.replace(/^ws:/u, 'http:').replace(/\/api-ws\/.*$/u, CUSTOMIZATION_PATH);
    const response = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model, input }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const create = (prefix: string, targetModel = 'cosyvoice-v2') =>
    post({ action: 'create_voice', target_model: targetModel, prefix, url: `data:audio/wav;base64,${Buffer.from(sampleWav(8)).toString('base64')}` });

  it('creates, lists by prefix and page, queries DEPLOYING then OK, deletes', async () => {
    fake = await startFakeDashScope({ deployPolls: 2 });
    const a = (await create('alice')).body.output.voice_id as string;
    await create('alice');
    await create('bob');
    expect(a).toMatch(/^cosyvoice-v2-alice-[0-9a-f]{32}$/u);

    const page = await post({ action: 'list_voice', prefix: 'alice', page_index: 0, page_size: 1 });
    expect(page.body.output.voice_list).toEqual([expect.objectContaining({ voice_id: a, status: 'DEPLOYING' })]);
    expect((await post({ action: 'list_voice', page_index: 0, page_size: 10 })).body.output.voice_list).toHaveLength(3);

    expect((await post({ action: 'query_voice', voice_id: a })).body.output).toMatchObject({ status: 'DEPLOYING', target_model: 'cosyvoice-v2' });
    expect((await post({ action: 'query_voice', voice_id: a })).body.output).toMatchObject({ status: 'OK' });
    expect((await post({ action: 'delete_voice', voice_id: a })).status).toBe(200);
    const gone = await post({ action: 'query_voice', voice_id: a });
    expect(gone).toMatchObject({ status: 400, body: { code: 'InvalidParameter' } });
    expect(gone.body.request_id).toEqual(expect.any(String));
  });

  it('refuses what the docs rule out', async () => {
    fake = await startFakeDashScope();
    expect(await post({ action: 'list_voice' }, { key: 'nope' })).toMatchObject({ status: 401, body: { code: 'InvalidApiKey' } });
    expect(await post({ action: 'list_voice' }, { model: 'cosyvoice-v2' })).toMatchObject({ status: 400 });
    expect(await create('Has Caps')).toMatchObject({ status: 400, body: { code: 'InvalidParameter' } });
    expect(await create('toolongprefix')).toMatchObject({ status: 400 });
    expect(await create('ok', 'cosyvoice-v9')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/target_model/u) } });
    const short = await post({ action: 'create_voice', target_model: 'cosyvoice-v2', prefix: 'x', url: `data:audio/wav;base64,${Buffer.from(sampleWav(3)).toString('base64')}` });
    expect(short).toMatchObject({ status: 400, body: { message: expect.stringMatching(/duration/u) } });
    const notAudio = await post({ action: 'create_voice', target_model: 'cosyvoice-v2', prefix: 'x', url: 'data:text/plain;base64,aGk=' });
    expect(notAudio).toMatchObject({ status: 400 });
  });
});
