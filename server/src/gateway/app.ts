import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { apiRouter } from './api.ts';
import { errorHandler } from './errors.ts';
import { LANDING_PAGE, LANDING_PAGE_CSP } from './landing-page.ts';
import type { HistoryFormatter, RelayPort, SpeechPort, VoicesPort } from './ports.ts';
import { voicesRouter } from './voices-api.ts';

export interface AppOptions {
  relay: RelayPort;
  /** The voice library behind /api/voices. */
  voices: VoicesPort;
  /** GET /api/history bodies (JSON, SRT, WebVTT). */
  formatHistory: HistoryFormatter;
  /** The recognized voice: GET /api/subtitles, GET /api/captioner. */
  speech: SpeechPort;
  token: string;
  /** Built browser pages (overlay/dist). */
  webDir: string;
  log: Logger;
  /** More Prometheus text appended to /metrics (the gateway's own counters). */
  extraMetrics?: () => Promise<string>;
}

const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
  "form-action 'self'",
].join('; ');

export function createApp({ relay, voices, formatHistory, speech, token, webDir, log, extraMetrics }: AppOptions): Express {
  if (!existsSync(join(webDir, 'overlay.html'))) {
    throw new Error(`browser pages are not built in ${webDir}: run "npm run build:web"`);
  }
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  app.get('/healthz', (_req, res) => {
    const report = relay.health();
    res.status(report.canSpeak ? 200 : 503).json({ status: report.status, engine: report.engine, queue: report.queue });
  });

  app.get('/metrics', async (_req, res, next) => {
    try {
      res.setHeader('Content-Type', relay.metricsContentType);
      const extra = extraMetrics ? await extraMetrics() : '';
      res.send((await relay.metricsText()) + extra);
    } catch (err) {
      next(err);
    }
  });

  // Before /api: its JSON body reader would take the multipart upload.
  app.use('/api/voices', voicesRouter(voices, token));
  app.use('/api', apiRouter(relay, token, formatHistory, speech));

  const page = (file: string) => (_req: express.Request, res: express.Response) => {
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(webDir, file));
  };
  // The overlay key and panel token are checked by the socket namespaces, not here:
  // the page itself holds no secret.
  app.get('/', (_req, res) => {
    res.setHeader('Content-Security-Policy', LANDING_PAGE_CSP);
    res.type('html').send(LANDING_PAGE);
  });
  app.get('/overlay', page('overlay.html'));
  app.get('/panel', page('panel.html'));
  app.get('/captioner', page('captioner.html'));
  app.use('/static', express.static(webDir, { fallthrough: false, index: false }));

  app.use((req, _res, next) => next(new NotFoundError(`no route for ${req.method.slice(0, 20)} ${req.path.slice(0, 200)}`)));
  app.use(errorHandler(log));
  return app;
}
