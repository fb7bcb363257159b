import { isUtf8 } from 'node:buffer';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { NotFoundError, RelayError, ValidationError } from '../core/errors.ts';
import { HISTORY_FORMATS, MAX_HISTORY_LIMIT } from '../core/history.ts';
import { asyncRoute, methodNotAllowed } from './errors.ts';
import { LANGUAGE_TAG, LANGUAGE_TAG_HINT } from '../core/language-tag.ts';
import { requireToken } from './auth.ts';
import type { HistoryFormatter, RelayPort, SpeechPort } from './ports.ts';
import { speechRouter } from './speech-api.ts';
import { parseBody, parseWith } from './validate.ts';

/** Bodies larger than this are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;


/** Longest `instruct` accepted (CosyVoice instructions are a short phrase: "用开心的语气说"). */
export const MAX_INSTRUCT_CHARS = 200;

/**
 * `source` is a metrics label and a queue-policy key, `voice` and `lang` go to TTS engines:
 * they are identifiers, not free text (a voice must also be known: admission answers
 * `unknown_voice`). `user` is shown (as text) and may be any name. `instruct` is plain text
 * spoken to the engine: bounded, no control characters, no markup brackets.
 */
const captionBody = z
  .object({
    text: z.string(),
    user: z.string().max(100).optional(),
    source: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be a lowercase identifier like "http" (a-z, 0-9, _ and -, at most 40)')
      // It keys per-source policy records: never a name every plain object already has.
      .refine((s) => !(s in Object.prototype), 'is a reserved name')
      .optional(),
    priority: z.number().int().min(0).max(1000).optional(),
    voice: z
      .string()
      .regex(/^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}_.:/-]{0,99}$/u, 'must be a voice name (letters, digits, _ . : / -, at most 100)')
      .optional(),
    instruct: z
      .string()
      .max(MAX_INSTRUCT_CHARS)
      .regex(/^[^\p{Cc}<>]*$/u, 'must be plain text (no control characters, no < or >)')
      .optional(),
    lang: z
      .string()
      .regex(LANGUAGE_TAG, LANGUAGE_TAG_HINT)
      .optional(),
  })
  .strict();

const clearBody = z.object({ includePaid: z.boolean().optional() }).strict();

/** Unknown query parameters (cache busters) are ignored. */
const historyQuery = z.object({
  format: z.enum(HISTORY_FORMATS).default('json'),
  limit: z.coerce.number().int().min(1).max(MAX_HISTORY_LIMIT).default(1_000),
});

const bodyTooLarge = () => new RelayError('body_too_large', `request body is larger than ${MAX_BODY_BYTES} bytes`, 413);

/** The charset parameter of a Content-Type header, lowercased, if any. */
function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
}

/**
 * Reads a JSON body into `req.body` (undefined when there is none). Any content type is
 * parsed as JSON (`curl -d '{...}'` sends a form type), but only as UTF-8 and uncompressed.
 * A body over `limitBytes` is refused with 413 as soon as its Content-Length says so or its
 * bytes pass the limit: the rest is never read (the error answer closes the connection),
 * so a 100 MB upload costs at most `limitBytes` of memory.
 */
function jsonBody(limitBytes: number) {
  return (req: Request, _res: Response, next: NextFunction) => {
    // Always read the stream (it ends at once when there is no body): headers past Node's
    // 1,000th are dropped from req.headers, Content-Length included, the body is not.
    const declared = req.headers['content-length'];
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity') {
      return next(new RelayError('unsupported_encoding', `Content-Encoding ${encoding.slice(0, 40)} is not accepted; send the body uncompressed`, 415));
    }
    const charset = charsetOf(req.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return next(new RelayError('unsupported_charset', 'request body must be UTF-8 JSON', 415));
    }
    if (declared !== undefined && Number(declared) > limitBytes) return next(bodyTooLarge());

    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (error?: RelayError): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData).off('end', onEnd).off('error', onAborted).off('aborted', onAborted).off('close', onAborted);
      if (error) {
        req.pause();
        return next(error);
      }
      const raw = Buffer.concat(chunks, bytes);
      if (!isUtf8(raw)) return next(new ValidationError('invalid_encoding', 'request body is not valid UTF-8'));
      const text = raw.toString('utf8').replace(/^\uFEFF/, '');
      if (text.trim() === '') {
        req.body = undefined;
        return next();
      }
      try {
        req.body = JSON.parse(text) as unknown;
      } catch {
        return next(new ValidationError('invalid_json', 'request body is not valid JSON'));
      }
      next();
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > limitBytes) return settle(bodyTooLarge());
      chunks.push(chunk);
    };
    const onEnd = (): void => settle();
    const onAborted = (): void => settle(new RelayError('request_aborted', 'request aborted by the client', 400));
    req.on('data', onData).on('end', onEnd).on('error', onAborted).on('aborted', onAborted).on('close', onAborted);
  };
}


/** /api routes: every one needs the bearer token. */
export function apiRouter(relay: RelayPort, token: string, formatHistory: HistoryFormatter, speech: SpeechPort): Router {
  const router = Router();
  router.use(requireToken(token));
  router.use(jsonBody(MAX_BODY_BYTES));
  router.use(speechRouter(relay, speech));

  router.post(
    '/captions',
    asyncRoute(async (req, res) => {
      const { id, duplicate } = await relay.submit(parseBody(captionBody, req.body, '{"text": "..."}'));
      res.status(202).json({ id, duplicate });
    }),
  );

  router.get('/queue', (_req, res) => {
    res.json({ items: relay.listQueue() });
  });

  router.delete('/queue/:id', (req, res) => {
    if (!relay.skip(req.params.id)) throw new NotFoundError(`no active readout with id ${req.params.id}`);
    res.json({ id: req.params.id, state: 'skipped' });
  });

  router.post('/queue/pause', (_req, res) => {
    relay.pause();
    res.json({ paused: true });
  });

  router.post('/queue/resume', (_req, res) => {
    relay.resume();
    res.json({ paused: false });
  });

  // No body (or {}) keeps paid readouts queued; the answer says how many were kept.
  router.post('/queue/clear', (req, res) => {
    const { includePaid = false } = parseBody(clearBody, req.body === undefined ? {} : req.body, '{"includePaid": true}');
    res.json(relay.clear({ includePaid }));
  });

  router.post('/queue/:id/replay', (req, res, next) => {
    relay.replay(req.params.id).then(({ id }) => res.status(202).json({ id }), next);
  });

  router.get('/history', (req, res) => {
    const { format, limit } = parseWith(historyQuery, req.query, 'invalid_query', 'query');
    const { contentType, body } = formatHistory(relay.history({ limit }), format);
    res.setHeader('Content-Type', contentType);
    res.send(body);
  });

  router.all('/captions', methodNotAllowed('POST'));
  router.all('/queue', methodNotAllowed('GET'));
  router.all(['/queue/pause', '/queue/resume', '/queue/clear', '/queue/:id/replay'], methodNotAllowed('POST'));
  router.all('/queue/:id', methodNotAllowed('DELETE'));
  router.all('/history', methodNotAllowed('GET'));
  return router;
}
