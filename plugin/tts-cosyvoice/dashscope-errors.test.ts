import { describe, expect, it } from 'vitest';
import { UpstreamRejectedError, UpstreamThrottledError } from '../../server/src/core/engine-kit/resilience-errors.ts';
import { handshakeError, taskFailedError } from './dashscope-errors.ts';

const context = { model: 'cosyvoice-v2', voice: 'longxiaochun_v2', defaultVoice: 'longxiaochun_v2' };

describe('DashScope errors', () => {
  it.each([
    ['InvalidApiKey', 'Invalid API-key provided.', 'auth_failed', false],
    ['Arrearage', 'Access denied, plesase make sure your account is in good standing.', 'account_suspended', false],
    ['Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.', 'upstream_throttled', true],
    ['Throttling', 'Requests throttling triggered.', 'upstream_throttled', true],
    ['ModelNotFound', 'Model not found (cosyvoice-v9)!', 'model_unsupported', false],
    ['InvalidParameter', '[tts:]Engine return error code: 418', 'voice_unsupported', false],
    ['DataInspectionFailed', 'Input data may contain inappropriate content.', 'content_rejected', false],
    ['InvalidParameter', 'parameters.rate must be 0.5-2', 'invalid_parameter', false],
    ['InternalError', 'An internal error has occured', 'upstream_error', true],
    ['RequestTimeOut', 'request timeout after 23 seconds.', 'upstream_error', true],
  ])('task-failed %s → %s', (code, message, expected, retryable) => {
    expect(taskFailedError(code, message, context)).toMatchObject({ code: expected, retryable });
  });

  it('disables the engine for its own voice, not for a request voice', () => {
    const own = taskFailedError('InvalidParameter', '[tts:]Engine return error code: 418', context);
    const other = taskFailedError('InvalidParameter', '[tts:]Engine return error code: 418', { ...context, voice: 'x' });
    expect(own).toBeInstanceOf(UpstreamRejectedError);
    expect([(own as UpstreamRejectedError).disablesEngine, (other as UpstreamRejectedError).disablesEngine]).toEqual([true, false]);
  });

  it('maps upgrade answers: 401/403 auth, 429 throttled, others retryable', () => {
    expect(handshakeError(401, '{"code":"InvalidApiKey","message":"Invalid API-key provided."}').message).toMatch(/HTTP 401 InvalidApiKey/);
    expect(handshakeError(403, '')).toMatchObject({ code: 'auth_failed' });
    expect(handshakeError(429, '')).toBeInstanceOf(UpstreamThrottledError);
    expect(handshakeError(502, '<html>')).toMatchObject({ code: 'connect_failed', retryable: true });
  });
});
