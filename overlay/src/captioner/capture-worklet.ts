/**
 * AudioWorklet processor 'pcm16k-capture' (bundled on its own as /static/captioner-worklet.js):
 * mixes the microphone to mono, downsamples it to 16 kHz int16 and posts 100 ms frames
 * (transferred, not copied) plus the peak level every ~50 ms to the page. Outputs silence.
 */
import { levelOf, PcmDownsampler } from '../lib/pcm-downsampler.ts';

// The AudioWorkletGlobalScope, which TypeScript's DOM library does not describe.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

export type CaptureMessage = { type: 'frame'; pcm: Int16Array } | { type: 'level'; peak: number };

const LEVEL_EVERY_BLOCKS = Math.max(1, Math.round((0.05 * sampleRate) / 128));

class Pcm16kCapture extends AudioWorkletProcessor {
  /** Its defaults are what the relay's recognizer takes (server/src/core/recognizer.ts): 16 kHz, 100 ms frames. */
  private readonly downsampler = new PcmDownsampler(Math.round(sampleRate));
  private blocks = 0;
  private peak = 0;

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const mono = channels.length === 1 ? channels[0]! : mix(channels);
    for (const pcm of this.downsampler.push(mono)) this.port.postMessage({ type: 'frame', pcm } satisfies CaptureMessage, [pcm.buffer]);
    this.peak = Math.max(this.peak, levelOf(mono).peak);
    if (++this.blocks >= LEVEL_EVERY_BLOCKS) {
      this.port.postMessage({ type: 'level', peak: this.peak } satisfies CaptureMessage);
      this.blocks = 0;
      this.peak = 0;
    }
    return true;
  }
}

function mix(channels: Float32Array[]): Float32Array {
  const out = new Float32Array(channels[0]!.length);
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i]! += ch[i]! / channels.length;
  return out;
}

registerProcessor('pcm16k-capture', Pcm16kCapture);
