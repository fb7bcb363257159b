/** A language tag ("zh", "en-US", "zh_CN"): it may reach a TTS engine, so nothing else gets through. */
export const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$/;

/** What a refused tag is told (zod `.regex(LANGUAGE_TAG, LANGUAGE_TAG_HINT)`). */
export const LANGUAGE_TAG_HINT = 'must be a language tag like "en" or "zh-CN"';
