/**
 * Plays a voice test in the panel: the relay speaks it (`voice:test`), the PCM comes back in
 * the command's ack (binary) and plays through Web Audio. Used by the Settings tab's voice
 * test and by the Voices tab.
 */
import type { VoiceTestRequest, VoiceTestResult } from '../../../server/src/core/protocol.ts';
import { command } from './connection.ts';
import { setText } from '../lib/dom.ts';
import { formatDurationMs } from './format.ts';
import { t } from './lang.ts';

let audio: AudioContext | undefined;

/** int16 LE mono PCM → a played AudioBuffer; resolves when it ends. */
function play(result: VoiceTestResult): Promise<void> {
  audio ??= new AudioContext();
  const bytes = result.pcm instanceof ArrayBuffer ? new Uint8Array(result.pcm) : new Uint8Array(result.pcm.buffer, result.pcm.byteOffset, result.pcm.byteLength);
  const samples = bytes.byteLength >> 1;
  if (samples === 0) return Promise.resolve();
  const buffer = audio.createBuffer(1, samples, result.sampleRateHz);
  const channel = buffer.getChannelData(0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, samples * 2);
  for (let i = 0; i < samples; i++) channel[i] = view.getInt16(i * 2, true) / 32768;
  const source = audio.createBufferSource();
  source.buffer = buffer;
  source.connect(audio.destination);
  const ended = new Promise<void>((resolve) => (source.onended = () => resolve()));
  void audio.resume();
  source.start();
  return ended;
}

/**
 * Speaks `request` and plays it; `result` says which engine spoke and how long, and keeps
 * `data-engine`, `data-duration-ms`, `data-bytes` and `data-played` (plays finished) for tests.
 * Rejects with the command's error.
 */
export async function playVoiceTest(request: VoiceTestRequest, result: HTMLElement): Promise<VoiceTestResult> {
  setText(result, t('testPlaying'));
  const answer = await command('voice:test', request);
  result.dataset.engine = answer.engine;
  result.dataset.durationMs = String(Math.round(answer.durationMs));
  result.dataset.bytes = String(answer.pcm.byteLength);
  setText(result, `${answer.engine} · ${formatDurationMs(answer.durationMs)}${answer.truncated ? ` (${t('truncated')})` : ''}`);
  await play(answer);
  result.dataset.played = String(Number(result.dataset.played ?? 0) + 1);
  return answer;
}
