/**
 * A fake streaming TTS engine for benchmarks: it speaks what the embedded engine rendered
 * beforehand for a fixed set of texts, with its first audio chunk exactly `firstChunkMs`
 * after the request (0 = at once) and the following ones at twice real time, like a
 * streaming engine ahead of playback. Unsubscribing stops it at once.
 */
import { Observable } from 'rxjs';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import type { SynthesisOutput, SynthesisRequest } from '../../server/src/core/types.ts';
import { createEmbeddedEngine } from '../../plugin/tts-embedded/index.ts';
import { fakeEngine } from '../support/fake-engine.ts';

export interface PrerenderedEngineOptions {
  texts: readonly string[];
  /** Delay before the first audio chunk. */
  firstChunkMs: number;
  name?: string;
}

export async function createPrerenderedEngine(options: PrerenderedEngineOptions): Promise<TtsEngine> {
  const embedded = await createEmbeddedEngine({});
  const rendered = new Map<string, SynthesisOutput[]>();
  try {
    for (const text of options.texts) {
      const outputs: SynthesisOutput[] = [];
      await new Promise<void>((resolve, reject) =>
        embedded.synthesize({ id: 'prerender', text }).subscribe({ next: (o) => outputs.push(o), error: reject, complete: resolve }),
      );
      rendered.set(text, outputs);
    }
  } finally {
    await embedded.close();
  }
  const sampleRateHz = embedded.sampleRateHz;
  return fakeEngine({
    name: options.name ?? 'prerendered',
    sampleRateHz,
    synthesize: (req: SynthesisRequest) =>
      new Observable<SynthesisOutput>((sub) => {
        const outputs = rendered.get(req.text);
        if (!outputs) {
          sub.error(new Error(`the prerendered engine has no audio for "${req.text}"`));
          return undefined;
        }
        let next = 0;
        let timer: ReturnType<typeof setTimeout> | undefined;
        /** Emits up to and including the next audio chunk, then waits its half duration. */
        const step = () => {
          while (next < outputs.length) {
            const output = outputs[next++]!;
            sub.next(output);
            if (output.kind === 'audio') {
              timer = setTimeout(step, (output.pcm.byteLength / 2 / sampleRateHz) * 500);
              return;
            }
          }
          sub.complete();
        };
        if (options.firstChunkMs > 0) timer = setTimeout(step, options.firstChunkMs);
        else step();
        return () => clearTimeout(timer);
      }),
  });
}
