/**
 * /api/voices: the voice library (presets of every engine plus cloned voices). Uploads are
 * multipart/form-data with a sample of at most MAX_SAMPLE_BYTES; every route needs the token.
 */
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, RelayError, ValidationError } from '../core/errors.ts';
import { LANGUAGE_TAG, LANGUAGE_TAG_HINT } from '../core/language-tag.ts';
import { asyncRoute, methodNotAllowed } from './errors.ts';
import { requireToken } from './auth.ts';
import { readMultipart, textOf } from './multipart.ts';
import type { VoicesPort } from './ports.ts';
import { parseWith } from './validate.ts';

export const MAX_SAMPLE_BYTES = 10 * 1024 * 1024;
/** Room for the text fields and the multipart framing around the sample. */
const MAX_FORM_OVERHEAD_BYTES = 64 * 1024;
/** Uploads read (each up to ~10 MB in memory) and decoded at once; more get 429. */
export const MAX_CONCURRENT_UPLOADS = 2;

/** A name is what a caption's `voice` carries: no spaces, no ':' (ids use it). */
const voiceFields = z
  .object({
    name: z.string().regex(/^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}_.-]{0,63}$/u, 'must be a voice name (letters, digits, _ . -, at most 64, no spaces)'),
    engine: z.string().max(40),
    promptText: z.string().max(1000).default(''),
    language: z.string().regex(LANGUAGE_TAG, LANGUAGE_TAG_HINT).optional(),
  })
  .strict();

const FILE_FIELD = 'promptWav';

export function voicesRouter(voices: VoicesPort, token: string): Router {
  const router = Router();
  router.use(requireToken(token));
  let uploads = 0;

  router.get('/', (_req, res) => {
    res.json({ voices: voices.list() });
  });

  router.post(
    '/',
    asyncRoute(async (req, res) => {
    if (uploads >= MAX_CONCURRENT_UPLOADS) throw new RelayError('uploads_busy', `${MAX_CONCURRENT_UPLOADS} voice uploads are already in progress; try again shortly`, 429);
    uploads += 1;
    const aborted = new AbortController();
    const onClose = (): void => {
      if (!res.writableEnded) aborted.abort();
    };
    res.on('close', onClose);
    try {
      const parts = await readMultipart(req, { maxBodyBytes: MAX_SAMPLE_BYTES + MAX_FORM_OVERHEAD_BYTES });
      const file = parts.get(FILE_FIELD);
      if (!file || file.data.length === 0) throw new ValidationError('invalid_audio', `send the sample as the file field ${FILE_FIELD} (WAV, MP3 or M4A)`);
      if (file.data.length > MAX_SAMPLE_BYTES) throw new RelayError('body_too_large', `the sample is larger than ${MAX_SAMPLE_BYTES} bytes`, 413);
      const text = Object.fromEntries([...parts.keys()].filter((k) => k !== FILE_FIELD).map((k) => [k, textOf(parts.get(k))]));
      const fields = parseWith(voiceFields, text, 'invalid_body', 'form');
      const created = await voices.create({ ...fields, audio: file.data }, aborted.signal);
      res.status(201).json(created);
    } finally {
      uploads -= 1;
      res.off('close', onClose);
    }
    }),
  );

  router.get('/:id/audio', (req, res) => {
    const wav = voices.sample(req.params.id);
    if (!wav) throw new NotFoundError(`no library voice with id ${req.params.id}`);
    res.setHeader('Content-Type', 'audio/wav');
    res.send(Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength));
  });

  router.delete(
    '/:id',
    asyncRoute(async (req, res) => {
      await voices.remove(req.params.id!);
      res.json({ id: req.params.id, deleted: true });
    }),
  );

  router.all('/', methodNotAllowed('GET, POST'));
  router.all('/:id/audio', methodNotAllowed('GET'));
  router.all('/:id', methodNotAllowed('DELETE'));
  return router;
}
