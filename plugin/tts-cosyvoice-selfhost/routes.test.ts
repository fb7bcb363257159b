import { describe, expect, it } from 'vitest';
import type { SynthesisRequest } from '../../server/src/core/types.ts';
import { routeFor, textScript } from './routes.ts';

const wav = new Uint8Array([1, 2, 3]);
const clone = (text: string, lang?: string): SynthesisRequest['clone'] => ({ id: 'v1', engine: 'cosyvoice-selfhost', prompt: { wav, text, ...(lang ? { lang } : {}) } });
const route = (request: Partial<SynthesisRequest>, sentence = '你好，世界。', mode: 'instruct2' | 'instruct' | 'off' = 'instruct2') =>
  routeFor({ id: 'r', text: sentence, ...request }, sentence, '中文女', mode);
const fields = (body: URLSearchParams | FormData) => Object.fromEntries([...body.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : `file:${v.size}`]));

describe('routeFor', () => {
  it('a preset speaks through /inference_sft with tts_text and spk_id', () => {
    const call = route({});
    expect(call.route).toBe('/inference_sft');
    expect(fields(call.body)).toEqual({ tts_text: '你好，世界。', spk_id: '中文女' });
  });

  it('a cloned voice with a transcript in the same language: /inference_zero_shot, multipart with the prompt file', () => {
    const call = route({ clone: clone('这是我的声音。') });
    expect(call.route).toBe('/inference_zero_shot');
    expect(call.body).toBeInstanceOf(FormData);
    expect(fields(call.body)).toEqual({ tts_text: '你好，世界。', prompt_text: '这是我的声音。', prompt_wav: 'file:3' });
  });

  it('no transcript, or another language than the prompt: /inference_cross_lingual', () => {
    expect(route({ clone: clone('  ') }).route).toBe('/inference_cross_lingual');
    expect(route({ clone: clone('这是我的声音。') }, 'Fine, thanks.').route).toBe('/inference_cross_lingual');
    expect(route({ clone: clone('whatever', 'zh-CN') }, 'Fine, thanks.').route).toBe('/inference_cross_lingual');
    expect(route({ clone: clone('This is my voice.', 'en') }, 'Fine, thanks.').route).toBe('/inference_zero_shot');
    expect(fields(route({ clone: clone('') }).body)).toEqual({ tts_text: '你好，世界。', prompt_wav: 'file:3' });
  });

  it('an instruction: instruct2 with a cloned voice (v2/v3), v1 instruct with a preset, else left out', () => {
    const withClone = route({ clone: clone('提示'), instruct: '用开心的语气说' });
    expect(withClone.route).toBe('/inference_instruct2');
    expect(fields(withClone.body)).toEqual({ tts_text: '你好，世界。', instruct_text: '用开心的语气说', prompt_wav: 'file:3' });
    const v1 = route({ instruct: '用开心的语气说' }, '你好。', 'instruct');
    expect(v1.route).toBe('/inference_instruct');
    expect(fields(v1.body)).toEqual({ tts_text: '你好。', spk_id: '中文女', instruct_text: '用开心的语气说' });
    expect(route({ instruct: '用开心的语气说' }).route).toBe('/inference_sft');
    expect(route({ clone: clone('提示'), instruct: '开心' }, '你好。', 'instruct').route).toBe('/inference_zero_shot');
    expect(route({ clone: clone('提示'), instruct: '开心' }, '你好。', 'off').route).toBe('/inference_zero_shot');
  });

  it('a cloned voice made for another engine is not this engine\'s: the preset speaker speaks', () => {
    expect(route({ clone: { id: 'x', engine: 'cosyvoice', enrolledVoiceId: 'cosyvoice-v2-abc' } }).route).toBe('/inference_sft');
  });

  it('textScript: CJK vs Latin, simply', () => {
    expect(textScript('你好，世界 world')).toBe('cjk');
    expect(textScript('Hello, 世界 and everyone here')).toBe('latin');
    expect(textScript('123 !')).toBeUndefined();
  });
});
