import { describe, expect, it } from 'vitest';
import { httpStatusError, noAudioError } from './http-errors.ts';
import type { RouteCall } from './routes.ts';

const sft: RouteCall = { route: '/inference_sft', body: new URLSearchParams(), voice: 'speaker 中文女' };
const zeroShot: RouteCall = { route: '/inference_zero_shot', body: new FormData(), voice: 'cloned voice v1' };
const URL = 'http://gpu:50000';

describe('self-hosted errors are named for what they are', () => {
  it('a FastAPI 422 names the missing field (pydantic 2 and 1 bodies)', () => {
    const v2 = httpStatusError(zeroShot, 422, JSON.stringify({ detail: [{ type: 'missing', loc: ['body', 'prompt_text'], msg: 'Field required', input: null }] }), URL);
    expect(v2).toMatchObject({ code: 'invalid_request', retryable: false });
    expect(v2.message).toMatch(/\/inference_zero_shot for cloned voice v1: missing field prompt_text \(Field required\)/u);
    const v1 = httpStatusError(sft, 422, '{"detail":[{"loc":["body","spk_id"],"msg":"field required","type":"value_error.missing"}]}', URL);
    expect(v1.message).toMatch(/missing field spk_id/u);
  });

  it('a 500 carries the status and the server text, is not retried and blames the request, not the server', () => {
    const error = httpStatusError(zeroShot, 500, 'Internal Server Error', URL);
    expect(error).toMatchObject({ code: 'server_error', retryable: false });
    expect(error.message).toMatch(/HTTP 500 from \/inference_zero_shot: Internal Server Error.*prompt audio/u);
  });

  it('gateway errors are retryable; a 404 on sft disables the engine (not a CosyVoice server), on instruct2 only that route', () => {
    expect(httpStatusError(sft, 503, 'busy', URL)).toMatchObject({ code: 'upstream_error', retryable: true });
    expect(httpStatusError(sft, 404, '{"detail":"Not Found"}', URL)).toMatchObject({ code: 'endpoint_not_found', disablesEngine: true });
    expect(httpStatusError({ ...zeroShot, route: '/inference_instruct2' }, 404, '', URL)).toMatchObject({ code: 'endpoint_not_found', disablesEngine: false });
  });

  it('a 200 without audio: unknown_speaker on sft, no_audio on a prompt route, never "cannot reach"', () => {
    const speaker = noAudioError(sft, true, URL);
    expect(speaker).toMatchObject({ code: 'unknown_speaker', retryable: false });
    expect(speaker.message).toMatch(/200 then closed the stream with no audio on \/inference_sft for speaker 中文女/u);
    expect(noAudioError(zeroShot, false, URL)).toMatchObject({ code: 'no_audio', retryable: false });
    expect(speaker.message).not.toMatch(/cannot reach/u);
  });
});
