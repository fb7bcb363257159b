export { ASR_INGEST_PATH, createAsrSource, type AsrSourceOptions } from './asr-source.ts';
export { createAudioSource, type AudioSource, type AudioSourceOptions } from './audio-source.ts';
