/**
 * Self-hosted CosyVoice bench against the fake server.py (loopback, 150 ms model time per
 * sentence, one whole chunk per sentence as server.py streams): first audible sample of a
 * preset voice (/inference_sft) vs a cloned voice (/inference_zero_shot with a 10 s and a 30 s
 * 16 kHz prompt WAV sent with every sentence), and the prompt bytes each request carries.
 * Measured here (2 shared cores): ~8 ms more for a 30 s prompt (960 KB) on loopback; caching the
 * encoded part per voice made no measurable difference, so the engine encodes it per request.
 */
import { createCosyVoiceSelfhostEngine } from '../../plugin/tts-cosyvoice-selfhost/index.ts';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import type { SynthesisRequest } from '../../server/src/core/types.ts';
import { captureSynthesis } from '../fakes/dashscope/capture-synthesis.ts';
import { type FakeSelfhost, startFakeSelfhost } from '../fakes/cosyvoice-selfhost/fake-selfhost-server.ts';
import { wavFile } from '../fakes/wav-file.ts';
import { percentile } from './stats.ts';

const MODEL_FIRST_PACKET_MS = 150;
const SAMPLES = 9;
const TEXT = '你好，欢迎来到直播间。';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const prompt = (seconds: number) => wavFile(new Int16Array(16_000 * seconds).map((_, i) => Math.round(6000 * Math.sin(i / 9) * Math.sin(i / 4000))), 16_000);

async function firstAudioP50(engine: TtsEngine, request: () => Omit<SynthesisRequest, 'id'>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const result = await captureSynthesis(engine, { id: `b${i}`, ...request() });
    if (result.error) throw result.error;
    times.push(result.firstAudioMs!);
  }
  return percentile(times, 50);
}

async function withEngine<T>(fake: FakeSelfhost, run: (engine: TtsEngine) => Promise<T>): Promise<T> {
  const engine = await createCosyVoiceSelfhostEngine({ urls: [fake.url], sampleRateHz: 24_000, deadlines: { connectMs: 5000, firstAudioMs: 5000, stallMs: 5000 } });
  try {
    return await run(engine);
  } finally {
    await engine.close();
  }
}

export async function benchSelfhost(): Promise<Record<string, number>> {
  const fake = await startFakeSelfhost({ model: 'v1-sft', sampleRateHz: 24_000, speakers: ['中文女'], modelFirstPacketMs: MODEL_FIRST_PACKET_MS });
  try {
    const figures: Record<string, number> = {};
    await withEngine(fake, async (engine) => {
      await firstAudioP50(engine, () => ({ text: TEXT })); // warm up sockets and JIT
      figures.selfhost_first_audio_preset_ms_p50 = round(await firstAudioP50(engine, () => ({ text: TEXT, voice: '中文女' })));
      for (const seconds of [10, 30]) {
        const wav = prompt(seconds);
        const clone = { id: `clone-${seconds}`, engine: 'cosyvoice-selfhost', prompt: { wav, text: '这是我自己的声音。', lang: 'zh' } };
        fake.stats.calls.length = 0;
        figures[`selfhost_first_audio_clone_${seconds}s_ms_p50`] = round(await firstAudioP50(engine, () => ({ text: TEXT, clone })));
        figures[`selfhost_prompt_bytes_per_request_${seconds}s`] = fake.stats.calls[0]!.promptWavBytes!;
      }
    });
    figures.selfhost_clone_30s_overhead_ms = round(figures.selfhost_first_audio_clone_30s_ms_p50! - figures.selfhost_first_audio_preset_ms_p50!);
    return figures;
  } finally {
    await fake.close();
  }
}
