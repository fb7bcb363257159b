import { describe, expect, it } from 'vitest';
import type { SynthesisOutput } from '../../server/src/core/types.ts';
import { createPrerenderedEngine } from './prerendered-engine.ts';

describe('prerendered engine (bench fake)', () => {
  it('sends its first audio chunk no earlier than firstChunkMs, then the whole rendering, and stops on unsubscribe', async () => {
    const texts = ['Thanks for the follow!'];
    const engine = await createPrerenderedEngine({ texts, firstChunkMs: 150 });
    const started = performance.now();
    const outputs: { atMs: number; output: SynthesisOutput }[] = [];
    await new Promise<void>((resolve, reject) =>
      engine.synthesize({ id: 'a', text: texts[0]! }).subscribe({
        next: (output) => outputs.push({ atMs: performance.now() - started, output }),
        error: reject,
        complete: resolve,
      }),
    );
    const audio = outputs.filter((o) => o.output.kind === 'audio');
    expect(audio.length).toBeGreaterThan(1);
    expect(audio[0]!.atMs).toBeGreaterThanOrEqual(149);
    expect(outputs.some((o) => o.output.kind === 'cue')).toBe(true);

    const partial: SynthesisOutput[] = [];
    const sub = engine.synthesize({ id: 'b', text: texts[0]! }).subscribe((o) => partial.push(o));
    await new Promise((r) => setTimeout(r, 160));
    sub.unsubscribe();
    const seen = partial.length;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(seen).toBeGreaterThan(0);
    expect(partial.length).toBe(seen);
    expect(seen).toBeLessThan(outputs.length);

    await expect(new Promise((_, reject) => engine.synthesize({ id: 'c', text: 'unknown' }).subscribe({ error: reject }))).rejects.toThrow(
      /no audio/,
    );
  });
});
