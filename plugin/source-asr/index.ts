export { ASR_INGEST_PATH, createAsrSource, type AsrSourceOptions } from './asr-source.ts';
