/**
 * The streamer's recognized voice over HTTP, mounted inside the /api router (token, JSON body):
 * - GET /api/subtitles?format=json|srt|vtt&track=original|translation|both&limit=N — the speech
 *   log (a bilingual stream: two tracks as two files, or both in one);
 * - POST /api/subtitles/mute {muted} — hide or show the live subtitles at once;
 * - GET /api/captioner — recognition state (the captioner page checks its token with it).
 */
import { Router } from 'express';
import { z } from 'zod';
import { HISTORY_FORMATS, MAX_HISTORY_LIMIT, SPEECH_TRACKS } from '../core/history.ts';
import { methodNotAllowed } from './errors.ts';
import type { RelayPort, SpeechPort } from './ports.ts';
import { parseBody, parseWith } from './validate.ts';

const subtitlesQuery = z.object({
  format: z.enum(HISTORY_FORMATS).default('json'),
  track: z.enum(SPEECH_TRACKS).default('original'),
  limit: z.coerce.number().int().min(1).max(MAX_HISTORY_LIMIT).default(1_000),
});

const muteBody = z.object({ muted: z.boolean() }).strict();

export function speechRouter(relay: Pick<RelayPort, 'muteSubtitles' | 'subtitles'>, speech: SpeechPort): Router {
  const router = Router();

  router.get('/subtitles', (req, res) => {
    const { format, track, limit } = parseWith(subtitlesQuery, req.query, 'invalid_query', 'query');
    const { contentType, body } = speech.render(format, track, limit);
    res.setHeader('Content-Type', contentType);
    res.send(body);
  });

  router.post('/subtitles/mute', (req, res) => {
    const { muted } = parseBody(muteBody, req.body, '{"muted": true}');
    relay.muteSubtitles(muted);
    res.json({ muted: relay.subtitles().muted });
  });

  router.get('/captioner', (_req, res) => {
    res.json({ recognition: speech.recognition() });
  });

  router.all('/subtitles', methodNotAllowed('GET'));
  router.all('/subtitles/mute', methodNotAllowed('POST'));
  router.all('/captioner', methodNotAllowed('GET'));
  return router;
}
