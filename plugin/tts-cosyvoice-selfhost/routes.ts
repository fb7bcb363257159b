/**
 * Which route of the official server (CosyVoice runtime/python/fastapi/server.py) speaks a
 * request, and its form. From server.py: every route takes GET or POST with `Form()` fields;
 * the three prompt routes also take an `UploadFile` `prompt_wav` (so multipart/form-data),
 * which the server decodes with `load_wav(prompt_wav.file, 16000)`.
 *   /inference_sft           tts_text, spk_id                      a preset (SFT) speaker
 *   /inference_instruct      tts_text, spk_id, instruct_text       v1 -Instruct models only
 *   /inference_zero_shot     tts_text, prompt_text, prompt_wav     a cloned voice, same language
 *   /inference_cross_lingual tts_text, prompt_wav                  no transcript, or another language
 *   /inference_instruct2     tts_text, instruct_text, prompt_wav   v2/v3: a cloned voice with an instruction
 * FastAPI treats an empty form string as missing (422), hence cross_lingual without a transcript.
 */
import { EngineError } from '../../server/src/core/errors.ts';
import type { SynthesisRequest } from '../../server/src/core/types.ts';

export const SELFHOST_ENGINE = 'cosyvoice-selfhost';

export type SelfhostRoute = '/inference_sft' | '/inference_instruct' | '/inference_zero_shot' | '/inference_cross_lingual' | '/inference_instruct2';

/** How this server applies `SynthesisRequest.instruct`: v2/v3 with a cloned voice, v1 -Instruct with a preset, or not at all. */
export type InstructRoute = 'instruct2' | 'instruct' | 'off';

export interface RouteCall {
  route: SelfhostRoute;
  body: URLSearchParams | FormData;
  /** What spoke, for error messages: `speaker 中文女` or `cloned voice <id>`. */
  voice: string;
}

export type Script = 'cjk' | 'latin';

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const LATIN_LETTER = /\p{Script=Latin}/gu;
const CJK_LANGS = new Set(['zh', 'cmn', 'yue', 'wuu', 'ja', 'ko']);

/** The text's script, simply: CJK when CJK characters outweigh Latin words; undefined with neither. */
export function textScript(text: string): Script | undefined {
  const cjk = text.match(CJK_CHAR)?.length ?? 0;
  const latin = text.match(LATIN_LETTER)?.length ?? 0;
  if (cjk === 0 && latin === 0) return undefined;
  // A Latin word is ~4 letters and about as long to say as 2 CJK characters.
  return cjk * 2 >= latin ? 'cjk' : 'latin';
}

/** The script of a language tag (`zh-CN` → cjk, `en` → latin). */
export function tagScript(tag: string): Script {
  return CJK_LANGS.has(tag.toLowerCase().split(/[-_]/u)[0]!) ? 'cjk' : 'latin';
}

function multipart(fields: Record<string, string>, wav: Uint8Array): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  // Encoding the part per request costs nothing measurable (test/bench/selfhost.ts): no cache.
  form.append('prompt_wav', new Blob([wav as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }), 'prompt.wav');
  return form;
}

/**
 * The call for one sentence of `request`: a cloned voice made for this engine goes to a prompt
 * route; anything else (a preset, or a clone made for another engine) to the preset `speaker`.
 * An instruction the server cannot apply to this kind of voice is left out (`speechParams` says
 * the engine applies it; which voices it applies to depends on the server's model).
 */
export function routeFor(request: SynthesisRequest, sentence: string, speaker: string, instructRoute: InstructRoute): RouteCall {
  const instruct = request.instruct?.trim();
  const clone = request.clone?.engine === SELFHOST_ENGINE ? request.clone : undefined;
  if (clone) {
    const prompt = clone.prompt;
    if (!prompt) throw new EngineError('invalid_voice', `cloned voice ${clone.id} has no prompt audio for ${SELFHOST_ENGINE}`, false);
    const voice = `cloned voice ${clone.id}`;
    if (instruct && instructRoute === 'instruct2') {
      return { route: '/inference_instruct2', body: multipart({ tts_text: sentence, instruct_text: instruct }, prompt.wav), voice };
    }
    const promptText = prompt.text.trim();
    const promptScript = prompt.lang ? tagScript(prompt.lang) : textScript(promptText);
    const script = textScript(sentence);
    if (!promptText || (script && promptScript && script !== promptScript)) {
      return { route: '/inference_cross_lingual', body: multipart({ tts_text: sentence }, prompt.wav), voice };
    }
    return { route: '/inference_zero_shot', body: multipart({ tts_text: sentence, prompt_text: promptText }, prompt.wav), voice };
  }
  const voice = `speaker ${speaker}`;
  if (instruct && instructRoute === 'instruct') {
    return { route: '/inference_instruct', body: new URLSearchParams({ tts_text: sentence, spk_id: speaker, instruct_text: instruct }), voice };
  }
  return { route: '/inference_sft', body: new URLSearchParams({ tts_text: sentence, spk_id: speaker }), voice };
}
