/**
 * The server streams headerless PCM and never says its rate, so COSYVOICE_SELFHOST_SAMPLE_RATE_HZ
 * is trusted; this notices when it is obviously wrong: the first sentences each server speaks
 * are timed at the configured rate, and a median speaking rate far outside any plausible one
 * (e.g. audio of another rate, or float samples read as int16, doubling every duration) is
 * reported once per server. 22050 vs 24000 (9 % apart) is within normal speaking variation and
 * cannot be told apart this way.
 */
import { textScript } from './routes.ts';

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const LETTER = /\p{L}/gu;
/** Plausible units per second: CJK characters (~4–6 normally), Latin letters (~10–16). */
const PLAUSIBLE = { cjk: { min: 2.5, max: 9, unit: 'characters' }, latin: { min: 6, max: 25, unit: 'letters' } } as const;
const MIN_UNITS = 6;
const SAMPLES_NEEDED = 3;

export class SpeakingRateCheck {
  private readonly rates = new Map<string, { cjk: number[]; latin: number[] }>();
  private readonly findings = new Map<string, string>();

  constructor(
    private readonly sampleRateHz: number,
    private readonly onFinding: (url: string, finding: string) => void,
  ) {}

  /** A sentence `url` spoke in full, `samples` long at the configured rate. */
  observe(url: string, sentence: string, samples: number): void {
    const script = textScript(sentence);
    if (!script || samples === 0 || this.findings.has(url)) return;
    const units = sentence.match(script === 'cjk' ? CJK_CHAR : LETTER)?.length ?? 0;
    if (units < MIN_UNITS) return;
    const seen = this.rates.get(url) ?? { cjk: [], latin: [] };
    this.rates.set(url, seen);
    const list = seen[script];
    if (list.length >= SAMPLES_NEEDED) return;
    list.push(units / (samples / this.sampleRateHz));
    if (list.length < SAMPLES_NEEDED) return;
    const median = [...list].sort((a, b) => a - b)[1]!;
    const band = PLAUSIBLE[script];
    if (median >= band.min && median <= band.max) return;
    const finding =
      `speech comes out at ${median.toFixed(1)} ${band.unit}/s at ${this.sampleRateHz} Hz (plausible ${band.min}–${band.max}): ` +
      'COSYVOICE_SELFHOST_SAMPLE_RATE_HZ is probably not the server\'s rate (22050 for CosyVoice 1, 24000 for CosyVoice 2/3)';
    this.findings.set(url, finding);
    this.onFinding(url, finding);
  }

  finding(url: string): string | undefined {
    return this.findings.get(url);
  }
}
