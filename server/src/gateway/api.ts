import express, { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { requireToken } from './auth.ts';
import type { RelayPort } from './ports.ts';

/** Bodies larger than this are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

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

function parseCaption(body: unknown) {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('invalid_body', 'body must be a JSON object like {"text": "..."}');
  }
  const result = captionBody.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.join('.') || 'body';
    const code = issue.code === 'unrecognized_keys' ? 'unknown_field' : 'invalid_body';
    throw new ValidationError(code, `${where}: ${issue.message}`);
  }
  return result.data;
}

/** /api routes: every one needs the bearer token. */
export function apiRouter(relay: RelayPort, token: string): Router {
  const router = Router();
  router.use(requireToken(token));
  // Parse any content type as JSON: `curl -d '{...}'` without a content-type header just works.
  router.use(express.json({ limit: MAX_BODY_BYTES, type: () => true, strict: false }));

  router.post('/captions', (req, res) => {
    const { id, duplicate } = relay.submit(parseCaption(req.body));
    res.status(202).json({ id, duplicate });
  });

  router.get('/queue', (_req, res) => {
    res.json({ items: relay.listQueue() });
  });

  router.delete('/queue/:id', (req, res) => {
    if (!relay.skip(req.params.id)) throw new NotFoundError(`no active readout with id ${req.params.id}`);
    res.json({ id: req.params.id, state: 'skipped' });
  });

  return router;
}
