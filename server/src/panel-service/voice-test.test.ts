import { NEVER, Observable, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { TtsEngine } from '../core/engine.ts';
import type { SynthesisOutput, SynthesisRequest } from '../core/types.ts';
import type { ResolvedVoice, VoiceResolver } from '../core/voices.ts';
import { fakeEngine } from '../../../test/support/fake-engine.ts';
import { testVoice } from './voice-test.ts';

const pcm = (...samples: number[]) => new Uint8Array(Int16Array.from(samples).buffer);

function recordingEngine(name: string, output$: (r: SynthesisRequest) => Observable<SynthesisOutput>, speechParams: TtsEngine['speechParams'] = []) {
  const requests: SynthesisRequest[] = [];
  return fakeEngine({
    name,
    sampleRateHz: 1000,
    speechParams,
    requests,
    synthesize: (r: SynthesisRequest) => {
      requests.push(r);
      return output$(r);
    },
  });
}

const audio = (...samples: number[]): SynthesisOutput => ({ kind: 'audio', pcm: pcm(...samples), sampleRateHz: 1000 });
const never = new AbortController().signal;

describe('testVoice', () => {
  it('speaks through the chosen engine with the voice, rate and pitch, applies the volume and says what it ignores', async () => {
    const embedded = recordingEngine('embedded', () => of(audio(100, 200), audio(300)), ['rate', 'pitch']);
    const cloud = recordingEngine('cosyvoice', () => of(audio(1000)));
    const result = await testVoice({ engines: [cloud, embedded] }, { engine: 'embedded', text: ' hi ', voice: 'en-us', rate: 1.5, pitch: 0.8, volumePercent: 50 }, never);
    expect(embedded.requests).toMatchObject([{ text: 'hi', voice: 'en-us', rate: 1.5, pitch: 0.8 }]);
    expect(cloud.requests).toEqual([]);
    expect(Array.from(new Int16Array(Uint8Array.from(result.pcm as Uint8Array).buffer))).toEqual([50, 100, 150]);
    expect(result).toMatchObject({ engine: 'embedded', sampleRateHz: 1000, durationMs: 3, truncated: false, ignoredParams: [] });
    const other = await testVoice({ engines: [cloud, embedded] }, { engine: 'cosyvoice', text: 'hi' }, never);
    expect(other.ignoredParams).toEqual(['rate', 'pitch']);
  });

  it('speaks a library voice with the engine it belongs to: a clone with its sample, a preset by its engine name', async () => {
    const embedded = recordingEngine('embedded', () => of(audio(1)));
    const selfhost = recordingEngine('cosyvoice-selfhost', () => of(audio(2)));
    const clone = { id: 'v1', engine: 'cosyvoice-selfhost', prompt: { wav: new Uint8Array(44), text: '你好' } };
    const voices: VoiceResolver = {
      resolve: (idOrName) =>
        ({
          mine: { kind: 'clone', name: 'mine', clone },
          'embedded:en-gb': { kind: 'preset', name: 'en-gb', engine: 'embedded' },
        })[idOrName] as ResolvedVoice | undefined,
    };
    const engines = [embedded, selfhost];
    const cloned = await testVoice({ engines, voices }, { engine: 'embedded', text: 'hi', voice: 'mine' }, never);
    expect(cloned.engine).toBe('cosyvoice-selfhost');
    expect(selfhost.requests).toMatchObject([{ text: 'hi', clone }]);
    expect(selfhost.requests[0]!.voice).toBeUndefined();
    await testVoice({ engines, voices }, { engine: 'cosyvoice-selfhost', text: 'hi', voice: 'embedded:en-gb' }, never);
    await testVoice({ engines, voices }, { engine: 'embedded', text: 'hi', voice: 'en-us' }, never);
    expect(embedded.requests.map((r) => [r.voice, r.clone])).toEqual([
      ['en-gb', undefined],
      ['en-us', undefined],
    ]);
  });

  it('cuts audio at the length limit', async () => {
    const engine = recordingEngine('e', () => of(audio(1, 2, 3), audio(4, 5, 6), audio(7)));
    const result = await testVoice({ engines: [engine] }, { engine: 'e', text: 'long' }, never, { maxAudioMs: 4, timeoutMs: 1000 });
    expect(result).toMatchObject({ durationMs: 4, truncated: true });
  });

  it('refuses bad requests and unknown engines with typed errors', async () => {
    const engine = recordingEngine('e', () => of(audio(1)));
    await expect(testVoice({ engines: [engine] }, { engine: 'e', text: '' }, never)).rejects.toMatchObject({ code: 'invalid_body' });
    await expect(testVoice({ engines: [engine] }, { engine: 'e', text: 'x', rate: 5 }, never)).rejects.toMatchObject({ code: 'invalid_body', message: expect.stringContaining('rate') });
    await expect(testVoice({ engines: [engine] }, { engine: 'nope', text: 'x' }, never)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('times out, passes engine errors on, and stops when the caller aborts', async () => {
    const stuck = recordingEngine('stuck', () => NEVER);
    await expect(testVoice({ engines: [stuck] }, { engine: 'stuck', text: 'x' }, never, { maxAudioMs: 1000, timeoutMs: 20 })).rejects.toMatchObject({ code: 'voice_test_timeout' });
    const failing = recordingEngine('failing', () => new Observable((s) => s.error(Object.assign(new Error('nope'), { code: 'engine_input' }))));
    await expect(testVoice({ engines: [failing] }, { engine: 'failing', text: 'x' }, never)).rejects.toMatchObject({ code: 'engine_input' });
    const controller = new AbortController();
    const pending = testVoice({ engines: [stuck] }, { engine: 'stuck', text: 'x' }, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'voice_test_cancelled' });
  });
});
