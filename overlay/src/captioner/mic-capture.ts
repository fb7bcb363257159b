/**
 * The microphone: lists input devices, opens one with getUserMedia and runs it through the
 * 'pcm16k-capture' AudioWorklet, handing 16 kHz int16 frames and levels to the page.
 * Works the same in Chrome, Edge and Firefox (the worklet resamples itself, so the
 * AudioContext runs at the device's own rate — Firefox cannot mix rates in one graph).
 */
import type { CaptureMessage } from './capture-worklet.ts';

export interface MicDevice {
  deviceId: string;
  label: string;
}

export interface MicHandlers {
  onFrame: (pcm: Int16Array) => void;
  onLevel: (peak: number) => void;
  /** The device went away (unplugged, permission revoked). */
  onEnded: () => void;
}

export async function listMics(): Promise<MicDevice[]> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'audioinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` }));
}

export class MicCapture {
  private constructor(
    private readonly ctx: AudioContext,
    private readonly stream: MediaStream,
    private readonly node: AudioWorkletNode,
  ) {}

  /** Opens `deviceId` (the default device when empty); rejects with the browser's error (NotAllowedError…). */
  static async open(deviceId: string, handlers: MicHandlers): Promise<MicCapture> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
        channelCount: 1,
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
      },
    });
    const ctx = new AudioContext({ latencyHint: 'interactive' });
    try {
      await ctx.audioWorklet.addModule('/static/captioner-worklet.js');
      const source = ctx.createMediaStreamSource(stream);
      const node = new AudioWorkletNode(ctx, 'pcm16k-capture', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: 'explicit' });
      node.port.onmessage = (ev: MessageEvent<CaptureMessage>) => {
        if (ev.data.type === 'frame') handlers.onFrame(ev.data.pcm);
        else handlers.onLevel(ev.data.peak);
      };
      source.connect(node);
      // A worklet only runs while connected to the destination; it outputs silence.
      node.connect(ctx.destination);
      for (const track of stream.getAudioTracks()) track.addEventListener('ended', handlers.onEnded);
      if (ctx.state === 'suspended') await ctx.resume();
      return new MicCapture(ctx, stream, node);
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      await ctx.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.node.port.onmessage = null;
    this.node.disconnect();
    for (const track of this.stream.getTracks()) track.stop();
    await this.ctx.close();
  }
}
