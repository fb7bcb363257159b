import express, { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { formatHistory, HISTORY_FORMATS } from '../history/format-history.ts';
import { requireToken } from './auth.ts';
import type { RelayPort } from './ports.ts';

/** Bodies larger than this are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Most history entries one GET /api/history returns (and the queue reads at once). */
export const MAX_HISTORY_LIMIT = 10_000;

const captionBody = z
  .object({
    text: z.string(),
    user: z.string().max(100).optional(),
    source: z.string().max(40).optional(),
    priority: z.number().int().min(0).max(1000).optional(),
    voice: z.string().max(100).optional(),
    lang: z.string().max(20).optional(),
  })
  .strict();

const clearBody = z.object({ includePaid: z.boolean().optional() }).strict();

/** Unknown query parameters (cache busters) are ignored. */
const historyQuery = z.object({
  format: z.enum(HISTORY_FORMATS).default('json'),
  limit: z.coerce.number().int().min(1).max(MAX_HISTORY_LIMIT).default(1_000),
});

/** A JSON object body checked against `schema`; `example` shows the expected shape in the error. */
function parseBody<T extends z.ZodType>(schema: T, body: unknown, example: string): z.output<T> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('invalid_body', `body must be a JSON object like ${example}`);
  }
  return parseWith(schema, body, 'invalid_body', 'body');
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, code: string, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.join('.') || what;
  throw new ValidationError(issue.code === 'unrecognized_keys' ? 'unknown_field' : code, `${where}: ${issue.message}`);
}

/** /api routes: every one needs the bearer token. */
export function apiRouter(relay: RelayPort, token: string): Router {
  const router = Router();
  router.use(requireToken(token));
  // Parse any content type as JSON: `curl -d '{...}'` without a content-type header just works.
  router.use(express.json({ limit: MAX_BODY_BYTES, type: () => true, strict: false }));

  router.post('/captions', (req, res) => {
    const { id, duplicate } = relay.submit(parseBody(captionBody, req.body, '{"text": "..."}'));
    res.status(202).json({ id, duplicate });
  });

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
    const { includePaid = false } = parseBody(clearBody, req.body, '{"includePaid": true}');
    res.json(relay.clear({ includePaid }));
  });

  router.post('/queue/:id/replay', (req, res) => {
    res.status(202).json({ id: relay.replay(req.params.id).id });
  });

  router.get('/history', (req, res) => {
    const { format, limit } = parseWith(historyQuery, req.query, 'invalid_query', 'query');
    const { contentType, body } = formatHistory(relay.history({ limit }), format);
    res.setHeader('Content-Type', contentType);
    res.send(body);
  });

  return router;
}
