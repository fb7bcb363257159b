/** The voice library's HTTP API: list (`GET /api/voices`), create (multipart `POST`), delete. */
import type { VoiceInfo } from '../../../../server/src/core/voices.ts';
import { apiFetch } from '../api.ts';

export interface NewVoice {
  name: string;
  /** An engine that can clone (`cosyvoice-selfhost`, `cosyvoice`). */
  engine: string;
  /** The sample's transcript ('' = unknown). */
  promptText: string;
  /** The sample's language (BCP 47, e.g. `zh`, `en`), when known. */
  language?: string;
  /** WAV (recorded here) or an uploaded WAV/MP3/M4A file. */
  sample: Blob;
  /** The sample's file name (the relay reads the format from the bytes). */
  fileName: string;
}

export async function listVoices(): Promise<VoiceInfo[]> {
  const body = (await (await apiFetch('/api/voices')).json()) as { voices: VoiceInfo[] };
  return body.voices;
}

/** Resolves with the new voice; rejects with ApiError (400 invalid_audio, 409 name taken, 413 too big…). */
export async function createVoice(voice: NewVoice): Promise<{ id: string; name: string }> {
  const form = new FormData();
  form.set('name', voice.name);
  form.set('engine', voice.engine);
  form.set('promptText', voice.promptText);
  if (voice.language) form.set('language', voice.language);
  form.set('promptWav', voice.sample, voice.fileName);
  return (await (await apiFetch('/api/voices', { method: 'POST', body: form })).json()) as { id: string; name: string };
}

export async function deleteVoice(id: string): Promise<void> {
  await apiFetch(`/api/voices/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
