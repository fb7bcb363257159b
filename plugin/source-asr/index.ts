export { ASR_INGEST_PATH, createAsrIngest, type AsrIngest, type AsrIngestOptions } from './asr-ingest.ts';
