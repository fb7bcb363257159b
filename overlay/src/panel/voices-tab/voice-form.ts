/**
 * The Voices tab's form: a sample recorded here or uploaded, played back, its transcript,
 * the engine that will clone it, then `POST /api/voices`. Refusals are said as the relay
 * gives them (bad audio with its reason, a taken name, a too big file).
 */
import type { PanelEngineInfo } from '../../../../server/src/core/protocol.ts';
import { ApiError } from '../api.ts';
import { init$ } from '../connection.ts';
import { byId, h, setText } from '../../lib/dom.ts';
import { formatDurationMs } from '../format.ts';
import type { LabelKey } from '../i18n.ts';
import { lang$, t } from '../lang.ts';
import { describeError, notify } from '../notice.ts';
import { SampleRecorder } from './recorder.ts';
import { createVoice } from './voices-api.ts';

interface Sample {
  blob: Blob;
  fileName: string;
  /** How the panel describes it: recorded (with its length) or the file's name. */
  label: string;
}

/** What the relay's refusal means, in the panel's words, by error code or 413 (the relay's own message follows). */
const REFUSALS: Record<string, LabelKey> = { invalid_audio: 'voices.invalidAudio', name_taken: 'voices.nameTaken' };

function describeRefusal(err: unknown): string {
  if (!(err instanceof ApiError)) return describeError(err);
  const key = err.status === 413 ? 'voices.tooBig' : REFUSALS[err.code];
  return key ? `${t(key)}: ${err.message}` : describeError(err);
}

const cloningEngines = (engines: readonly PanelEngineInfo[]): PanelEngineInfo[] => engines.filter((e) => e.cloning !== 'none');

export class VoiceForm {
  private sample: Sample | undefined;
  private sampleUrl: string | undefined;
  private readonly recorder = new SampleRecorder();
  private recordTimer: ReturnType<typeof setInterval> | undefined;
  private readonly form = byId<HTMLFormElement>('voice-create');
  private readonly engine = byId<HTMLSelectElement>('voice-engine');
  private readonly result = byId('voice-create-result');
  private readonly audio = byId<HTMLAudioElement>('voice-sample');

  /** `created` runs after the relay created a voice. */
  constructor(private readonly created: (voice: { id: string; name: string }) => void) {
    init$.subscribe((init) => this.fillEngines(cloningEngines(init?.engines ?? [])));
    byId('voice-record').addEventListener('click', () => void this.toggleRecording());
    byId<HTMLInputElement>('voice-file').addEventListener('change', (ev) => {
      const file = (ev.target as HTMLInputElement).files?.[0];
      if (file) this.setSample({ blob: file, fileName: file.name, label: file.name });
    });
    this.audio.addEventListener('ended', () => (this.audio.dataset.played = String(Number(this.audio.dataset.played ?? 0) + 1)));
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submit();
    });
    lang$.subscribe(() => this.showSample());
  }

  private fillEngines(engines: PanelEngineInfo[]): void {
    const names = engines.map((e) => e.name);
    if ([...this.engine.options].map((o) => o.value).join() !== names.join()) {
      this.engine.replaceChildren(...names.map((name) => h('option', { value: name }, name)));
    }
    byId('voice-no-engine').hidden = engines.length > 0;
    byId<HTMLButtonElement>('voice-create-button').disabled = engines.length === 0;
  }

  private async toggleRecording(): Promise<void> {
    const button = byId<HTMLButtonElement>('voice-record');
    if (this.recorder.recording) {
      this.recorder.stop();
      return;
    }
    try {
      await this.recorder.start();
    } catch (err) {
      notify(`${t('voices.micFailed')}: ${describeError(err)}`, 'bad');
      return;
    }
    const startedMs = performance.now();
    button.dataset.i18n = 'voices.stop';
    button.textContent = t('voices.stop');
    button.classList.add('danger');
    this.form.dataset.recording = 'true';
    const elapsed = byId('voice-record-time');
    this.recordTimer = setInterval(() => setText(elapsed, formatDurationMs(performance.now() - startedMs)), 200);
    try {
      const { wav, durationMs } = await this.recorder.finished;
      this.setSample({ blob: wav, fileName: 'recording.wav', label: `${t('voices.recorded')} ${formatDurationMs(durationMs)}` });
    } catch (err) {
      notify(`${t('voices.micFailed')}: ${describeError(err)}`, 'bad');
    } finally {
      clearInterval(this.recordTimer);
      setText(elapsed, '');
      button.dataset.i18n = 'voices.record';
      button.textContent = t('voices.record');
      button.classList.remove('danger');
      delete this.form.dataset.recording;
    }
  }

  private setSample(sample: Sample | undefined): void {
    if (this.sampleUrl) URL.revokeObjectURL(this.sampleUrl);
    this.sample = sample;
    this.sampleUrl = sample ? URL.createObjectURL(sample.blob) : undefined;
    delete this.audio.dataset.played;
    if (this.sampleUrl) this.audio.src = this.sampleUrl;
    else this.audio.removeAttribute('src');
    this.audio.hidden = !sample;
    this.showSample();
  }

  private showSample(): void {
    const info = byId('voice-sample-info');
    setText(info, this.sample ? `${this.sample.label} · ${(this.sample.blob.size / 1024).toFixed(0)} KB` : t('voices.noSample'));
  }

  private async submit(): Promise<void> {
    const button = byId<HTMLButtonElement>('voice-create-button');
    const name = byId<HTMLInputElement>('voice-name').value.trim();
    const say = (text: string, kind: 'ok' | 'bad') => {
      this.result.className = `hint ${kind}`;
      this.result.dataset.kind = kind;
      setText(this.result, text);
    };
    if (!this.sample) return say(t('voices.noSample'), 'bad');
    button.disabled = true;
    say(t('voices.creating'), 'ok');
    try {
      const voice = await createVoice({
        name,
        engine: this.engine.value,
        promptText: byId<HTMLTextAreaElement>('voice-transcript').value.trim(),
        language: byId<HTMLInputElement>('voice-language').value.trim() || undefined,
        sample: this.sample.blob,
        fileName: this.sample.fileName,
      });
      say(`${t('voices.created')}: ${voice.name}`, 'ok');
      this.form.reset();
      this.setSample(undefined);
      this.created(voice);
    } catch (err) {
      say(describeRefusal(err), 'bad');
    } finally {
      button.disabled = this.engine.options.length === 0;
    }
  }
}
