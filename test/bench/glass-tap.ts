/**
 * The glass bench's in-page audio tap, the same instrument for every page measured (the
 * overlay and the bare forwarder's page), injected before the page's own scripts
 * (`page.addInitScript` of `glassTapScript`; the page's context needs `bypassCSP` for the worklet's blob URL).
 *
 * It wraps `AudioContext` (each new context gets a tap) and patches
 * `AudioNode.prototype.connect`: whatever a page connects to its context's destination
 * goes through the tap, one AudioWorklet, (a pass-through), so the tap sees exactly
 * the samples the context renders, after every node of the page. `window.__glassTap.arm()`
 * resolves once the worklet is armed, with `audible`: the performance.now() time at which the
 * first sample louder than −60 dBFS (the relay's silence threshold) leaves the output, from
 * its context time through `getOutputTimestamp()` — so the device's output latency is in it,
 * for every page alike (`latencies()` reports it). (The main thread's `currentTime` cannot
 * place a render: it jumps a whole device buffer at a time.)
 */

/** Page-side API of the tap. */
export interface GlassTap {
  arm(): Promise<{ audible: Promise<number> }>;
  /** ctx.baseLatency / outputLatency (s) and the render quantum (frames), for the report. */
  latencies(): Promise<{ baseLatencySec: number; outputLatencySec: number; sampleRateHz: number; quantumFrames: number }>;
}

declare global {
  interface Window {
    __glassTap?: GlassTap;
  }
}

/**
 * The init script, as plain JavaScript text (a function passed to playwright would be
 * serialized with the bundler's helpers, which the page does not have).
 */
export function glassTapScript(threshold: number): string {
  return `(() => {
  const worklet = \`
    class GlassTap extends AudioWorkletProcessor {
      constructor() {
        super();
        this.armed = false;
        this.quantum = 0;
        this.port.onmessage = () => { this.armed = true; this.port.postMessage({ armed: true }); };
      }
      process(inputs, outputs) {
        const input = inputs[0], output = outputs[0];
        for (let c = 0; c < output.length; c++) if (input[c]) output[c].set(input[c]);
        const ch = input[0];
        if (ch) {
          if (this.quantum === 0) { this.quantum = ch.length; this.port.postMessage({ quantum: ch.length }); }
          if (this.armed) {
            for (let i = 0; i < ch.length; i++) {
              if (ch[i] > ${threshold} || ch[i] < -${threshold}) {
                this.armed = false;
                this.port.postMessage({ atSec: currentTime + i / sampleRate });
                break;
              }
            }
          }
        }
        return true;
      }
    }
    registerProcessor('glass-tap', GlassTap);\`;
  const connect = AudioNode.prototype.connect;
  const taps = new WeakMap();
  let quantumFrames = 0;

  const makeTap = (ctx) => {
    const input = new GainNode(ctx);
    connect.call(input, ctx.destination);
    const url = URL.createObjectURL(new Blob([worklet], { type: 'application/javascript' }));
    let onArmed = () => {};
    let onAudible = () => {};
    // Heard at: the output timestamp maps context time to the moment it leaves the device.
    const perfTimeOf = (atSec) => {
      const ts = ctx.getOutputTimestamp();
      return ts.performanceTime + (atSec - ts.contextTime) * 1000;
    };
    const node$ = ctx.audioWorklet.addModule(url).then(() => {
      const node = new AudioWorkletNode(ctx, 'glass-tap', { numberOfInputs: 1, numberOfOutputs: 1 });
      node.port.onmessage = (e) => {
        if (e.data.quantum) quantumFrames = e.data.quantum;
        if (e.data.armed) onArmed();
        if (e.data.atSec !== undefined) onAudible(perfTimeOf(e.data.atSec));
      };
      input.disconnect();
      connect.call(input, node);
      connect.call(node, ctx.destination);
      return node;
    });
    window.__glassTap = {
      arm: () =>
        node$.then((node) => new Promise((resolve) => {
          const audible = new Promise((r) => (onAudible = r));
          onArmed = () => resolve({ audible });
          node.port.postMessage('arm');
        })),
      latencies: async () => ({
        baseLatencySec: ctx.baseLatency || 0,
        outputLatencySec: ctx.outputLatency || 0,
        sampleRateHz: ctx.sampleRate,
        quantumFrames,
      }),
    };
    return input;
  };

  // Each context gets its tap when created (armed before the page connects anything).
  const NativeAudioContext = window.AudioContext;
  window.AudioContext = class extends NativeAudioContext {
    constructor(...args) {
      super(...args);
      taps.set(this, makeTap(this));
    }
  };
  AudioNode.prototype.connect = function (dest, ...rest) {
    const tap = dest instanceof AudioDestinationNode ? taps.get(dest.context) : undefined;
    return connect.call(this, tap || dest, ...rest);
  };
})();`;
}
