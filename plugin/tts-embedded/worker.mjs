// Synthesis worker: one eSpeak NG wasm instance, one job at a time. eSpeak's synthesize()
// blocks, so it runs here, off the relay's event loop. Plain JavaScript so it starts
// without a TypeScript loader (under tsx, vitest or node); message shapes: protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import initEspeak from '@echogarden/espeak-ng-emscripten';
import { onDemandDataPackage } from './espeak-data.mjs';

/** @type {{ cancelBuffer: SharedArrayBuffer, rateWpm: number, pitch: number }} */
const setup = workerData;
const cancelledJob = new Int32Array(setup.cancelBuffer);
const data = onDemandDataPackage();
const espeakModule = await initEspeak(data.moduleArg);
data.readFilesOnOpen(espeakModule.FS);
const espeak = new espeakModule.eSpeakNGWorker();

let currentProsody = '';
/** Sets eSpeak's rate (wpm) and pitch (0-100) when they differ from the last job's. */
function useProsody({ rateWpm, pitch }) {
  const key = `${rateWpm}/${pitch}`;
  if (key === currentProsody) return;
  espeak.set_rate(rateWpm);
  espeak.set_pitch(pitch);
  currentProsody = key;
}
useProsody(setup);

let currentVoice = '';
function useVoice(voice) {
  if (voice === currentVoice) return;
  if (espeak.set_voice(voice) !== 0) throw new Error(`unknown voice "${voice}"`);
  currentVoice = voice;
}

// Warm up: load both default voices' dictionaries before the first request needs them.
for (const [voice, text] of [['en-us', 'ready'], ['cmn', '好']]) {
  useVoice(voice);
  espeak.synthesize(text, () => false);
}

/**
 * eSpeak obeys SSML and [[phoneme]] markup: a caption's `<break time="99s"/>` would buy
 * 99 s of silence. Markup characters become spaces of the same length, so text positions
 * (word timings) stay exact and the text is spoken as text.
 */
function plainText(text) {
  return text.replace(/[<>&]|\[\[|\]\]/g, (m) => ' '.repeat(m.length));
}

function synthesize(job, segments) {
  const isCancelled = () => Atomics.load(cancelledJob, 0) === job;
  for (const [index, { text, voice }] of segments.entries()) {
    if (isCancelled()) return;
    useVoice(voice);
    const words = [];
    // The callback runs several times per call; returning true aborts synthesis.
    espeak.synthesize(plainText(text), (samples, events) => {
      if (isCancelled()) return true;
      for (const event of events) {
        if (event.type !== 'word') continue;
        words.push({
          textPosition: event.text_position,
          wordLength: event.word_length,
          audioPositionMs: event.audio_position,
        });
      }
      if (samples.length > 0) {
        const copy = new Int16Array(samples); // never post a view of wasm memory
        parentPort.postMessage({ type: 'audio', job, samples: copy }, [copy.buffer]);
      }
      return false;
    });
    if (!isCancelled()) parentPort.postMessage({ type: 'segment', job, index, words });
  }
}

parentPort.on('message', ({ job, segments, rateWpm, pitch }) => {
  try {
    useProsody({ rateWpm, pitch });
    synthesize(job, segments);
    parentPort.postMessage({ type: 'done', job });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', job, message: error instanceof Error ? error.message : String(error) });
  }
});

const voices = espeak.list_voices().map((voice) => voice.identifier);
parentPort.postMessage({ type: 'ready', voices, sampleRateHz: espeak.samplerate });
