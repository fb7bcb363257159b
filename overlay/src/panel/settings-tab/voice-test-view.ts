/**
 * Voice test: speaks a sample with the chosen engine and the voice form's (unsaved) voice,
 * rate, pitch and volume; the PCM comes back in the command's ack (binary) and plays here.
 * Says which speech parameters the chosen engine ignores.
 */
import type { PanelEngineInfo, VoiceTestResult } from '../../../../server/src/core/protocol.ts';
import { command, init$ } from '../connection.ts';
import { byId, h, setText } from '../dom.ts';
import { formatDurationMs } from '../format.ts';
import { lang$, t } from '../lang.ts';
import { run } from '../notice.ts';
import { VOICE_LIST_ID } from './sections.ts';

const SPEECH_PARAMS = ['rate', 'pitch'] as const;

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

function selectedEngine(): PanelEngineInfo | undefined {
  const name = byId<HTMLSelectElement>('test-engine').value;
  return init$.value?.engines.find((e) => e.name === name);
}

function renderNote(): void {
  const engine = selectedEngine();
  const ignored = SPEECH_PARAMS.filter((p) => engine && !engine.speechParams.includes(p));
  const note = byId('test-note');
  note.hidden = ignored.length === 0;
  setText(note, `${engine?.name ?? ''} ${t('ignores')} ${ignored.join(', ')}: ${t('ignoresNote')}`);
  byId('voice-names').replaceChildren(...(engine?.voices ?? []).map((v) => h('option', { value: v })));
}

/** `draft` reads the voice form as edited (voice, rate, pitch, volumePercent). */
export function setUpVoiceTest(draft: () => Record<string, unknown>): void {
  const select = byId<HTMLSelectElement>('test-engine');
  const text = byId<HTMLInputElement>('test-text');
  const button = byId<HTMLButtonElement>('test-play');
  const result = byId('test-result');
  if (!document.getElementById(VOICE_LIST_ID)) document.body.append(h('datalist', { id: VOICE_LIST_ID }));
  text.value = t('testSample');
  init$.subscribe((init) => {
    const engines = init?.engines ?? [];
    if (select.options.length === engines.length && engines.every((e, i) => select.options[i]?.value === e.name)) return;
    select.replaceChildren(...engines.map((e) => h('option', { value: e.name }, e.name)));
    renderNote();
  });
  select.addEventListener('change', renderNote);
  lang$.subscribe(renderNote);
  button.addEventListener('click', () =>
    void run(button, async () => {
      const { voice, rate, pitch, volumePercent } = draft();
      const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
      setText(result, t('testPlaying'));
      const answer = await command('voice:test', {
        engine: select.value,
        text: text.value,
        voice: typeof voice === 'string' ? voice : undefined,
        rate: num(rate),
        pitch: num(pitch),
        volumePercent: num(volumePercent),
      });
      result.dataset.durationMs = String(Math.round(answer.durationMs));
      result.dataset.bytes = String(answer.pcm.byteLength);
      setText(result, `${answer.engine} · ${formatDurationMs(answer.durationMs)}${answer.truncated ? ` (${t('truncated')})` : ''}`);
      await play(answer);
      result.dataset.played = String(Number(result.dataset.played ?? 0) + 1);
    }),
  );
}
