/**
 * What the self-hosted engine relies on of the official CosyVoice server, asserted on the fake
 * and, when set, on a real server.py: COSYVOICE_SELFHOST_CONTRACT_V2_URL (a CosyVoice2/3 model:
 * no SFT speakers) and COSYVOICE_SELFHOST_CONTRACT_V1_URL (CosyVoice-300M-SFT with 中文女).
 * Accepts FastAPI's 422 body from pydantic 1 and 2 (`type` "value_error.missing" or "missing").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavFile } from '../wav-file.ts';
import { type FakeSelfhost, startFakeSelfhost } from './fake-selfhost-server.ts';

const PROMPT = wavFile(new Int16Array(16_000 * 3).map((_, i) => Math.round(8000 * Math.sin(i / 10))), 16_000);

function multipart(fields: Record<string, string>, wav?: Uint8Array | string): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (typeof wav === 'string') form.append('prompt_wav', wav);
  else if (wav) form.append('prompt_wav', new Blob([wav as Uint8Array<ArrayBuffer>]), 'prompt.wav');
  return form;
}

async function read(response: Response): Promise<{ bytes: number; cut: boolean }> {
  let bytes = 0;
  const reader = response.body!.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) bytes += chunk.value.byteLength;
    return { bytes, cut: false };
  } catch {
    return { bytes, cut: true };
  }
}

const missingFields = (body: { detail: { loc: string[]; type: string }[] }) => body.detail.filter((d) => /missing/u.test(d.type)).map((d) => d.loc.at(-1));

interface Target {
  name: string;
  url: () => string;
  sampleRateHz: number;
}

function contract(model: 'v1' | 'v2', external: string | undefined): void {
  let fake: FakeSelfhost | undefined;
  const target: Target = {
    name: external ? `real server.py at ${external}` : `fake (${model})`,
    url: () => external ?? fake!.url,
    sampleRateHz: model === 'v2' ? 24_000 : 22_050,
  };
  describe(`CosyVoice server contract: ${target.name}`, () => {
    beforeAll(async () => {
      if (!external) fake = await startFakeSelfhost({ model: model === 'v2' ? 'v2' : 'v1-sft' });
    });
    afterAll(() => fake?.close());
    const post = (route: string, body: FormData | URLSearchParams) => fetch(`${target.url()}/${route}`, { method: 'POST', body });

    it('an empty POST is a 422 naming the missing fields (the probe)', async () => {
      const response = await post('inference_sft', new URLSearchParams());
      expect(response.status).toBe(422);
      expect(missingFields(await response.json())).toEqual(['tts_text', 'spk_id']);
    });

    it('fields come from the body only: a GET query string is a 422; another method is a 405; another path a 404', async () => {
      expect((await fetch(`${target.url()}/inference_sft?tts_text=x&spk_id=y`)).status).toBe(422);
      expect((await fetch(`${target.url()}/inference_sft`, { method: 'PUT' })).status).toBe(405);
      const notFound = await fetch(`${target.url()}/tts`);
      expect(notFound.status).toBe(404);
      expect(await notFound.json()).toEqual({ detail: 'Not Found' });
    });

    it('zero_shot streams raw int16 PCM for a multipart request, chunked, without a content type', async () => {
      const response = await post('inference_zero_shot', multipart({ tts_text: '你好，世界。今天好。', prompt_text: '这是提示。' }, PROMPT));
      expect(response.status).toBe(200);
      expect(response.headers.get('transfer-encoding')).toBe('chunked');
      expect(response.headers.get('content-type')).toBeNull();
      const { bytes, cut } = await read(response);
      expect(cut).toBe(false);
      expect(bytes % 2).toBe(0);
      expect(bytes / 2 / target.sampleRateHz).toBeGreaterThan(0.4);
    });

    it('cross_lingual and (v2) instruct2 take the prompt without a transcript', async () => {
      const cross = await post('inference_cross_lingual', multipart({ tts_text: 'Hello there.' }, PROMPT));
      expect(cross.status).toBe(200);
      expect((await read(cross)).bytes).toBeGreaterThan(0);
      const instruct2 = await post('inference_instruct2', multipart({ tts_text: '你好。', instruct_text: '用开心的语气说' }, PROMPT));
      if (model === 'v2') {
        expect(instruct2.status).toBe(200);
        expect((await read(instruct2)).bytes).toBeGreaterThan(0);
      } else {
        expect(instruct2.status).toBe(500); // v1 has no inference_instruct2
      }
    });

    it('an empty prompt_text is a missing field (hence cross_lingual for a voice without transcript)', async () => {
      const response = await post('inference_zero_shot', multipart({ tts_text: '你好。', prompt_text: '' }, PROMPT));
      expect(response.status).toBe(422);
      expect(missingFields(await response.json())).toEqual(['prompt_text']);
    });

    it('prompt_wav as a plain field is a 422; undecodable prompt audio is a 500 "Internal Server Error"', async () => {
      const plain = await post('inference_cross_lingual', multipart({ tts_text: '你好。' }, 'not a file'));
      expect(plain.status).toBe(422);
      expect((await plain.json()).detail[0].loc).toEqual(['body', 'prompt_wav']);
      const garbage = await post('inference_zero_shot', multipart({ tts_text: '你好。', prompt_text: '提示' }, new TextEncoder().encode('garbage')));
      expect(garbage.status).toBe(500);
      expect(await garbage.text()).toBe('Internal Server Error');
    });

    it(model === 'v2' ? 'sft and v1 instruct: 200, then the stream is cut with no audio (no SFT speakers)' : 'sft: a known speaker speaks, an unknown one is a 200 cut with no audio', async () => {
      if (model === 'v1') {
        const known = await post('inference_sft', new URLSearchParams({ tts_text: '你好。', spk_id: '中文女' }));
        expect(known.status).toBe(200);
        expect((await read(known)).bytes).toBeGreaterThan(0);
      }
      const unknown = await post('inference_sft', new URLSearchParams({ tts_text: '你好。', spk_id: 'nobody' }));
      expect(unknown.status).toBe(200);
      expect(await read(unknown)).toEqual({ bytes: 0, cut: true });
      if (model === 'v2') {
        const instruct = await post('inference_instruct', new URLSearchParams({ tts_text: '你好。', spk_id: '中文女', instruct_text: '开心' }));
        expect(instruct.status).toBe(200);
        expect(await read(instruct)).toEqual({ bytes: 0, cut: true });
      }
    });
  });
}

contract('v2', process.env.COSYVOICE_SELFHOST_CONTRACT_V2_URL);
contract('v1', process.env.COSYVOICE_SELFHOST_CONTRACT_V1_URL);
