/**
 * The voice customization REST API of the fake DashScope server (CosyVoice voice cloning):
 * `POST /api/v1/services/audio/tts/customization` with `{model: "voice-enrollment", input:
 * {action, …}}`. Voices it creates are spoken by the fake's run-task, only for their target
 * model.
 *
 * From the docs (each fact with where it was read):
 * - actions and fields: create_voice {target_model, prefix, url, language_hints?,
 *   max_prompt_audio_length?} → `output.voice_id`; list_voice {prefix?, page_index, page_size}
 *   → `output.voice_list`; query_voice {voice_id} → `output` with status; delete_voice
 *   {voice_id}; errors as HTTP status + `{request_id, code, message}` (DashScope Python SDK
 *   `dashscope/audio/tts_v2/enrollment.py`, which raises on any non-200 with code and message).
 * - `prefix`: only digits and lowercase letters, under 10 characters (same file).
 * - `url`: a public URL or a Base64 data URI ("Qwen-Audio-TTS, Qwen-Audio-Realtime, and
 *   CosyVoice accept a public URL or a Base64 Data URI": Model Studio "Voice cloning",
 *   alibabacloud.com/help/doc-detail/2861519.html).
 * - the sample: WAV (16-bit), MP3 or M4A; 10–20 s recommended, at most 60 s; <= 10 MB;
 *   >= 16 kHz; mono or stereo; at least 5 s of continuous clear reading (Model Studio
 *   "CosyVoice voice cloning API", alibabacloud.com/help/en/model-studio/cosyvoice-clone-api).
 * - target models: cosyvoice-v2, cosyvoice-v3-flash, cosyvoice-v3-plus (same page), also
 *   cosyvoice-v3.5-flash / -plus (Beijing only); cosyvoice-v1 voices cloned earlier still work
 *   ("API Operation Details", help.aliyun.com/en/model-studio/cosyvoice-clone-api-reference).
 * - status: DEPLOYING (under review), OK (usable), UNDEPLOYED (refused); `output.target_model`,
 *   `gmt_create`, `gmt_modified` (public clients of query_voice; a client measured ~15 s to OK).
 * - a cloned voice is bound to its target_model and cannot be used with another model;
 *   synthesis with another model fails ("Voice cloning" page above; Model Studio skill notes).
 * - rate and quota codes: 429 Throttling.RateQuota "Requests rate limit exceeded, please try
 *   again later." and 429 Throttling.AllocationQuota "Allocated quota exceeded, please increase
 *   your quota limit." (Alibaba Cloud's common status codes, as DashScope uses them).
 *
 * Chosen by the fake (not documented): which sample problems are refused at once (400
 * InvalidParameter: undecodable, wrong format, too short/long, too big, under 16 kHz) and which
 * after review (silence → UNDEPLOYED); the messages' wording; an unknown voice_id answering
 * 400 InvalidParameter "voice not found"; the per-account voice cap answering
 * Throttling.AllocationQuota; the voice id's shape.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isObject, type Json } from './duplex-fake-kit.ts';
import { invalid, Refusal } from './http-refusal.ts';

export const CUSTOMIZATION_PATH = '/api/v1/services/audio/tts/customization';

export const CLONE_TARGET_MODELS = ['cosyvoice-v1', 'cosyvoice-v2', 'cosyvoice-v3-flash', 'cosyvoice-v3-plus', 'cosyvoice-v3.5-flash', 'cosyvoice-v3.5-plus'];

const MAX_SAMPLE_BYTES = 10 * 1024 * 1024;
/** A data URI of a 10 MB sample is ~14 MB of JSON; a request body beyond this is refused (413). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export type VoiceStatus = 'DEPLOYING' | 'OK' | 'UNDEPLOYED';

export interface FakeClonedVoice {
  voiceId: string;
  targetModel: string;
  prefix: string;
  status: VoiceStatus;
  /** query_voice answers left before DEPLOYING turns into the outcome. */
  pollsLeft: number;
  outcome: Exclude<VoiceStatus, 'DEPLOYING'> | 'never';
  gmtCreate: string;
  gmtModified: string;
}

export type CustomizationFault =
  /** Answer the next call of `action` (any when omitted) with this HTTP error. */
  | { kind: 'http-error'; status: number; code: string; message: string; action?: string }
  /** The next created voice stays DEPLOYING forever. */
  | { kind: 'stuck-deploying' }
  /** The next created voice is refused after review (UNDEPLOYED). */
  | { kind: 'undeployed' };

export interface CustomizationCallRecord {
  action: string;
  input: Record<string, unknown>;
  workspace?: string;
  status: number;
}

export interface FakeVoiceCustomizationOptions {
  apiKey: string;
  /** query_voice answers a new voice spends DEPLOYING (default 2). */
  deployPolls?: number;
  /** Cloned voices the account may hold (default 1000). */
  maxVoices?: number;
}



/** What the fake checks of a WAV sample (16-bit PCM, rate, duration, some sound). */
function inspectWav(bytes: Buffer): { durationS: number; silent: boolean } {
  if (bytes.length < 44 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw invalid('audio decode failed: not a WAV file');
  }
  let at = 12;
  let format: { channels: number; rateHz: number; bits: number } | undefined;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      format = { channels: bytes.readUInt16LE(body + 2), rateHz: bytes.readUInt32LE(body + 4), bits: bytes.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!format) throw invalid('audio decode failed: data before fmt');
      if (format.bits !== 16) throw invalid(`audio format: WAV must be 16-bit, got ${format.bits}-bit`);
      if (format.rateHz < 16_000) throw invalid(`audio sample rate ${format.rateHz} Hz is below 16000 Hz`);
      const end = Math.min(bytes.length, body + size);
      const frames = Math.floor((end - body) / 2 / format.channels);
      let sumSquares = 0;
      for (let i = 0; i < frames; i++) sumSquares += bytes.readInt16LE(body + i * 2 * format.channels) ** 2;
      const rms = frames > 0 ? Math.sqrt(sumSquares / frames) : 0;
      return { durationS: frames / format.rateHz, silent: rms < 100 };
    }
    at = body + size + (size % 2);
  }
  throw invalid('audio decode failed: no data chunk');
}

/** The sample behind `url`: a data URI is checked; a public URL cannot be fetched by the fake and is taken as good. */
function inspectSample(url: string): { silent: boolean } {
  if (/^https?:\/\//u.test(url)) return { silent: false };
  const match = /^data:([\w/.+-]+);base64,(.*)$/su.exec(url);
  if (!match) throw invalid('url must be a public http(s) URL or a Base64 data URI');
  const [, mime, base64] = match;
  const bytes = Buffer.from(base64!, 'base64');
  if (bytes.length > MAX_SAMPLE_BYTES) throw invalid(`audio file is ${bytes.length} bytes; at most 10 MB`);
  if (!/^audio\/(wav|x-wav|wave|mpeg|mp3|mp4|m4a|x-m4a)$/u.test(mime!)) throw invalid(`audio format ${mime} is not supported (WAV, MP3, M4A)`);
  if (!/wav/u.test(mime!)) return { silent: false };
  const { durationS, silent } = inspectWav(bytes);
  if (durationS < 5 || durationS > 60) throw invalid(`audio duration ${durationS.toFixed(1)} s is out of range (at least 5 s of speech, at most 60 s)`);
  return { silent };
}

export class FakeVoiceCustomization {
  readonly voices = new Map<string, FakeClonedVoice>();
  readonly log: CustomizationCallRecord[] = [];
  private readonly faults: CustomizationFault[] = [];

  constructor(private readonly options: FakeVoiceCustomizationOptions) {}

  injectFault(fault: CustomizationFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Why run-task must refuse `voice` for `model` (a cloned voice not ready, or bound to another model); undefined when it is not a cloned voice or is usable. */
  runTaskRefusal(voice: string, model: string): string | undefined {
    const cloned = this.voices.get(voice);
    if (!cloned) return undefined;
    // The real text for a voice of another model is not documented; an unknown voice answers 418 (see the fake's run-task).
    if (cloned.targetModel !== model || cloned.status !== 'OK') return '[tts:]Engine return error code: 418';
    return undefined;
  }

  isClonedVoice(voice: string): boolean {
    return this.voices.has(voice);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const workspace = req.headers['x-dashscope-workspace'];
      const record: CustomizationCallRecord = { action: 'unknown', input: {}, status: 200, ...(typeof workspace === 'string' ? { workspace } : {}) };
      const send = (status: number, body: Json) => {
        record.status = status;
        this.log.push(record);
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ request_id: randomUUID(), ...body }));
      };
      try {
        if (req.headers.authorization !== `Bearer ${this.options.apiKey}`) throw new Refusal(401, 'InvalidApiKey', 'Invalid API-key provided.');
        if (size > MAX_BODY_BYTES) throw new Refusal(413, 'RequestTooLarge', 'request body is too large');
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          throw invalid('request body is not valid JSON');
        }
        if (!isObject(body) || body.model !== 'voice-enrollment') throw invalid('model must be "voice-enrollment"');
        if (!isObject(body.input) || typeof body.input.action !== 'string') throw invalid('input.action is required');
        record.action = body.input.action;
        record.input = { ...body.input, ...(typeof body.input.url === 'string' ? { url: `${body.input.url.slice(0, 40)}…` } : {}) };
        const faultAt = this.faults.findIndex((f) => f.kind === 'http-error' && (f.action ?? record.action) === record.action);
        if (faultAt >= 0) {
          const fault = this.faults.splice(faultAt, 1)[0] as Extract<CustomizationFault, { kind: 'http-error' }>;
          throw new Refusal(fault.status, fault.code, fault.message);
        }
        send(200, { output: this.act(body.input) });
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        send(error.status, { code: error.code, message: error.message });
      }
    });
  }

  private act(input: Json): Json {
    switch (input.action) {
      case 'create_voice':
        return this.create(input);
      case 'list_voice':
        return this.list(input);
      case 'query_voice': {
        const voice = this.find(input.voice_id);
        if (voice.status === 'DEPLOYING' && voice.outcome !== 'never' && --voice.pollsLeft <= 0) {
          voice.status = voice.outcome;
          voice.gmtModified = new Date().toISOString();
        }
        return { target_model: voice.targetModel, status: voice.status, gmt_create: voice.gmtCreate, gmt_modified: voice.gmtModified, resource_link: '' };
      }
      case 'delete_voice':
        this.voices.delete(this.find(input.voice_id).voiceId);
        return {};
      default:
        throw invalid(`unknown input.action ${String(input.action)}`);
    }
  }

  private find(voiceId: unknown): FakeClonedVoice {
    const voice = typeof voiceId === 'string' ? this.voices.get(voiceId) : undefined;
    if (!voice) throw invalid(`voice not found: ${String(voiceId)}`);
    return voice;
  }

  private create(input: Json): Json {
    const { target_model: targetModel, prefix, url } = input;
    if (typeof targetModel !== 'string' || !CLONE_TARGET_MODELS.includes(targetModel)) throw invalid(`target_model ${String(targetModel)} is not supported for voice cloning`);
    if (typeof prefix !== 'string' || !/^[a-z0-9]{1,9}$/u.test(prefix)) throw invalid('prefix must be 1-9 lowercase letters or digits');
    if (typeof url !== 'string') throw invalid('url is required');
    const { silent } = inspectSample(url);
    if (this.voices.size >= (this.options.maxVoices ?? 1000)) throw new Refusal(429, 'Throttling.AllocationQuota', 'Allocated quota exceeded, please increase your quota limit.');
    const faultAt = this.faults.findIndex((f) => f.kind === 'stuck-deploying' || f.kind === 'undeployed');
    const fault = faultAt >= 0 ? this.faults.splice(faultAt, 1)[0] : undefined;
    const now = new Date().toISOString();
    const voice: FakeClonedVoice = {
      voiceId: `${targetModel}-${prefix}-${randomBytes(16).toString('hex')}`,
      targetModel,
      prefix,
      status: 'DEPLOYING',
      pollsLeft: this.options.deployPolls ?? 2,
      outcome: fault?.kind === 'stuck-deploying' ? 'never' : silent || fault?.kind === 'undeployed' ? 'UNDEPLOYED' : 'OK',
      gmtCreate: now,
      gmtModified: now,
    };
    this.voices.set(voice.voiceId, voice);
    return { voice_id: voice.voiceId };
  }

  private list(input: Json): Json {
    const pageIndex = typeof input.page_index === 'number' ? input.page_index : 0;
    const pageSize = typeof input.page_size === 'number' ? input.page_size : 10;
    const matching = [...this.voices.values()].filter((v) => typeof input.prefix !== 'string' || v.prefix === input.prefix);
    return {
      voice_list: matching
        .slice(pageIndex * pageSize, (pageIndex + 1) * pageSize)
        .map((v) => ({ voice_id: v.voiceId, status: v.status, gmt_create: v.gmtCreate, gmt_modified: v.gmtModified })),
    };
  }
}
