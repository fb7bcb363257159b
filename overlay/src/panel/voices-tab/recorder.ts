/**
 * Records a voice sample from the microphone: MediaRecorder while recording, then the
 * recording decoded and resampled to 16 kHz mono in the page (OfflineAudioContext) and
 * written as a 16-bit WAV, the format the voice library stores. Stops by itself at the
 * longest sample the library takes.
 */
import { encodeWav, pcm16FromFloats } from '../../../../server/src/core/wav-file.ts';

export const SAMPLE_RATE_HZ = 16_000;
/** The library takes samples of 3–60 s. */
export const MAX_RECORDING_MS = 60_000;

export interface RecordedSample {
  wav: Blob;
  durationMs: number;
}

export class SampleRecorder {
  private recorder: MediaRecorder | undefined;
  private stream: MediaStream | undefined;
  private chunks: Blob[] = [];
  private limitTimer: ReturnType<typeof setTimeout> | undefined;
  private done: Promise<RecordedSample> | undefined;

  get recording(): boolean {
    return this.recorder?.state === 'recording';
  }

  /**
   * Asks for the microphone and starts recording; resolves once recording runs. `finished`
   * then resolves with the WAV when stop() is called or the length limit is reached.
   */
  async start(): Promise<void> {
    if (this.recording) return;
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false } });
    const recorder = new MediaRecorder(this.stream);
    this.recorder = recorder;
    this.chunks = [];
    this.done = new Promise<RecordedSample>((resolve, reject) => {
      recorder.ondataavailable = (ev) => {
        if (ev.data.size > 0) this.chunks.push(ev.data);
      };
      recorder.onstop = () => {
        this.release();
        toWav(new Blob(this.chunks, { type: recorder.mimeType })).then(resolve, reject);
      };
      recorder.onerror = () => {
        this.release();
        reject(new Error('the microphone recording failed'));
      };
    });
    recorder.start(250);
    this.limitTimer = setTimeout(() => this.stop(), MAX_RECORDING_MS);
  }

  /** The recorded sample (after stop() or the length limit); rejects when recording failed. */
  get finished(): Promise<RecordedSample> {
    if (!this.done) return Promise.reject(new Error('not recording'));
    return this.done;
  }

  stop(): void {
    if (this.recording) this.recorder!.stop();
  }

  private release(): void {
    clearTimeout(this.limitTimer);
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
  }
}

/** Any audio the browser decodes → 16 kHz mono 16-bit WAV. */
async function toWav(recording: Blob): Promise<RecordedSample> {
  const decoder = new OfflineAudioContext(1, 1, SAMPLE_RATE_HZ);
  const decoded = await decoder.decodeAudioData(await recording.arrayBuffer());
  const frames = Math.max(1, Math.ceil(decoded.duration * SAMPLE_RATE_HZ));
  const mixer = new OfflineAudioContext(1, frames, SAMPLE_RATE_HZ);
  const source = mixer.createBufferSource();
  source.buffer = decoded;
  source.connect(mixer.destination);
  source.start();
  const mono = await mixer.startRendering();
  const wav = encodeWav(pcm16FromFloats(mono.getChannelData(0)), SAMPLE_RATE_HZ);
  return { wav: new Blob([wav], { type: 'audio/wav' }), durationMs: (frames / SAMPLE_RATE_HZ) * 1000 };
}
