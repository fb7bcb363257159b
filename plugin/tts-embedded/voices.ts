/** Picks an eSpeak NG voice for every piece of a request's text. */
import { containsHan, splitScripts, splitSentences, type Script } from './segment.ts';

/** A piece of text synthesized in one call with one voice. */
export interface Segment {
  text: string;
  voice: string;
}

const HAN_VOICE = 'cmn';
const LATIN_VOICE = 'en-us';
const HAN_VOICES: ReadonlySet<string> = new Set(['cmn', 'yue']);
/** Language tags whose closest eSpeak voice has another name. */
const LANG_ALIASES: Readonly<Record<string, string>> = { zh: HAN_VOICE, en: LATIN_VOICE };

/** Voice names eSpeak accepts, from its voice identifiers ("gmw/en-US" -> "en-us"). */
export function voiceNames(identifiers: readonly string[]): Set<string> {
  return new Set(identifiers.map((id) => (id.split('/').at(-1) ?? id).toLowerCase()));
}

/** The known voice a request's `voice` names ("en-US", "gmw/en-US"), or undefined. */
export function resolveVoice(voice: string, known: ReadonlySet<string>): string | undefined {
  const name = (voice.split('/').at(-1) ?? voice).toLowerCase();
  return known.has(name) ? name : undefined;
}

/** The known voice closest to a language tag ("zh-CN" -> "cmn", "en" -> "en-us"). */
export function voiceForLang(lang: string, known: ReadonlySet<string>): string | undefined {
  const tag = lang.toLowerCase().replace('_', '-');
  const primary = tag.split('-')[0] ?? tag;
  const candidates = [LANG_ALIASES[tag] ?? tag, LANG_ALIASES[primary] ?? primary];
  return candidates.find((name) => known.has(name));
}

export interface VoiceHints {
  /** A resolved voice that overrides the per-script choice for the whole text. */
  voice?: string;
  lang?: string;
}

/**
 * Sentence by sentence, script run by script run: Han text gets a Chinese voice, Latin
 * text an English one; a `lang` hint picks the voice for its own script and for text
 * with neither script. Adjacent runs of a sentence with the same voice are merged.
 */
export function planSegments(text: string, hints: VoiceHints, known: ReadonlySet<string>): Segment[] {
  const hinted = hints.lang ? voiceForLang(hints.lang, known) : undefined;
  const hintedHan = hinted !== undefined && HAN_VOICES.has(hinted);
  const voiceFor: Record<Script, string> = {
    han: hintedHan ? hinted : HAN_VOICE,
    latin: hinted && !hintedHan ? hinted : LATIN_VOICE,
    neutral: hinted ?? (containsHan(text) ? HAN_VOICE : LATIN_VOICE),
  };
  const segments: Segment[] = [];
  for (const sentence of splitSentences(text)) {
    let previous: Segment | undefined;
    for (const run of splitScripts(sentence)) {
      const voice = hints.voice ?? voiceFor[run.script];
      if (previous?.voice === voice) {
        previous.text += run.text;
      } else {
        previous = { text: run.text, voice };
        segments.push(previous);
      }
    }
  }
  return segments.map((segment) => ({ ...segment, text: segment.text.trim() }));
}
