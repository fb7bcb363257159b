/**
 * Test speech: sentences spoken by the embedded engine with silence around and between
 * them, as a WAV file (a fake microphone's input, or ffmpeg's), and where the second
 * sentence starts (ms from the file's start).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEngine } from '../../plugin/tts-embedded/index.ts';
import type { SynthesisOutput } from '../../server/src/core/types.ts';
import { encodeWav } from '../../server/src/core/wav-file.ts';

export async function speechWav(
  sentences: readonly string[],
  { leadInMs, gapMs, tailMs = 3000 }: { leadInMs: number; gapMs: number; tailMs?: number },
): Promise<{ path: string; secondStartsAtMs: number }> {
  const engine = await createEmbeddedEngine({});
  try {
    const rateHz = engine.sampleRateHz;
    const silence = (ms: number) => new Uint8Array(Math.round((rateHz * ms) / 1000) * 2);
    const spoken = async (text: string): Promise<Buffer> => {
      const parts: Uint8Array[] = [];
      await new Promise<void>((resolve, reject) =>
        engine.synthesize({ id: 'wav', text }).subscribe({ next: (o: SynthesisOutput) => o.kind === 'audio' && parts.push(o.pcm), error: reject, complete: resolve }),
      );
      return Buffer.concat(parts);
    };
    const pieces: Uint8Array[] = [silence(leadInMs)];
    let secondStartsAtMs = 0;
    for (const [i, text] of sentences.entries()) {
      if (i > 0) pieces.push(silence(gapMs));
      if (i === 1) secondStartsAtMs = pieces.reduce((ms, p) => ms + (p.byteLength / 2 / rateHz) * 1000, 0);
      pieces.push(await spoken(text));
    }
    pieces.push(silence(tailMs));
    const path = join(mkdtempSync(join(tmpdir(), 'speech-wav-')), 'speech.wav');
    writeFileSync(path, encodeWav(Buffer.concat(pieces), rateHz));
    return { path, secondStartsAtMs };
  } finally {
    await engine.close();
  }
}
