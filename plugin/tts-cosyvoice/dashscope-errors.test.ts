import { describe, expect, it } from 'vitest';
import { UpstreamRejectedError, UpstreamThrottledError } from '../../server/src/core/engine-kit/resilience-errors.ts';
import { handshakeError } from '../../server/src/core/dashscope/duplex-errors.ts';
import { customizationError, taskFailedError } from './dashscope-errors.ts';

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

  it('never disables the engine for a cloned voice a model refuses', () => {
    const error = taskFailedError('InvalidParameter', '[tts:]Engine return error code: 418', { ...context, voice: 'cosyvoice-v2-me-1', cloneId: 'lib-1' });
    expect(error).toMatchObject({ code: 'voice_unsupported', disablesEngine: false });
    expect(error.message).toMatch(/cloned voice "lib-1"/u);
  });

  it.each([
    [401, 'InvalidApiKey', 'Invalid API-key provided.', 'create_voice', 'auth_failed', false],
    [400, 'Arrearage', 'Access denied.', 'create_voice', 'account_suspended', false],
    [429, 'Throttling.AllocationQuota', 'Allocated quota exceeded, please increase your quota limit.', 'create_voice', 'enrollment_quota', false],
    [429, 'Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.', 'query_voice', 'upstream_throttled', true],
    [400, 'InvalidParameter', 'voice not found: x', 'delete_voice', 'voice_not_found', false],
    [400, 'InvalidParameter', 'target_model cosyvoice-v9 is not supported', 'create_voice', 'model_unsupported', false],
    [400, 'InvalidParameter', 'audio duration 2.0 s is out of range', 'create_voice', 'invalid_audio', false],
    [400, 'InvalidParameter', 'prefix must be lowercase', 'create_voice', 'invalid_parameter', false],
    [500, 'InternalServerError', 'An internal error has occured', 'create_voice', 'upstream_error', true],
  ])('customization HTTP %i %s on %s → %s', (status, code, message, action, expected, retryable) => {
    expect(customizationError(status, code, message, { action, targetModel: 'cosyvoice-v2' })).toMatchObject({ code: expected, retryable });
  });
});
