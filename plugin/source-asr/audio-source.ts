/**
 * The audio source: the streamer's own voice, recognized live. Feeds (the /captioner page,
 * ffmpeg, a script) connect to `WS /ingest/audio` with the relay token and send 16 kHz mono
 * int16 PCM frames; the configured recognizer turns them into partial and final lines,
 * which become `subtitle` events (shown, never voiced unless `voiceFinals`) and are echoed
 * to the feed as JSON messages with the recognizer's state. One feed at a time: a new one
 * replaces the old (a reloaded page must not leave two microphones recognized and billed).
 * Recognition runs only while a feed is connected; when it closes the session is finished
 * (its last sentence comes out final). Tools that cannot speak WebSocket (ffmpeg) POST the
 * PCM as a chunked body to the same path instead.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Subject, type Subscription } from 'rxjs';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  AUDIO_INGEST_MAX_FRAME_BYTES,
  AUDIO_INGEST_PATH,
  type AudioIngestMessage,
  type RecognitionState,
  type RecognitionStatus,
} from '../../server/src/core/audio-ingest.ts';
import { pcmBytesToMs } from '../../server/src/core/clock.ts';
import { RelayError } from '../../server/src/core/errors.ts';
import { Pcm16Aligner } from '../../server/src/core/engine-kit/pcm16-aligner.ts';
import type { Logger } from '../../server/src/core/logger.ts';
import { RECOGNIZER_SAMPLE_RATE_HZ, type RecognitionResult, type RecognizerEngine, type RecognizerSession, type RecognizerState } from '../../server/src/core/recognizer.ts';
import { MinuteRate, type CaptionSource, type ChatRole, type SourceEvent, type SubtitleLine } from '../../server/src/core/source.ts';
import { ArrivalClock } from './arrival-clock.ts';
import { IngestGate } from './ingest-upgrade.ts';

export interface AudioSourceOptions {
  token: string;
  logger: Logger;
  /** The configured recognizer; undefined = recognition off (feeds are refused with 503). */
  recognizer: RecognizerEngine | undefined;
  /** The language of the streamer's speech (the first ASR language hint), put on the lines. */
  lang?: string;
  /** Also voice final sentences (as 'chat' captions from `user`). Default false. */
  voiceFinals?: boolean;
  /** Who voiced finals are attributed to; default 'streamer'. */
  user?: string;
  nowMs?: () => number;
}

/** A source that also reports how recognition is going. */
export interface AudioSource extends CaptionSource {
  recognition(): RecognitionStatus;
}

const LATENCY_WINDOW = 21;

const PAGE_STATE: Record<RecognizerState, RecognitionState> = {
  connecting: 'connecting',
  running: 'running',
  'rolling-over': 'running',
  reconnecting: 'reconnecting',
  paused: 'idle',
  failed: 'failed',
  stopped: 'idle',
};

/** How a feed's transport answers it: JSON messages, and closing it. */
interface FeedLink {
  send(message: AudioIngestMessage): void;
  close(code: number, reason: string): void;
}

interface Feed {
  link: FeedLink;
  connection: number;
  session?: RecognizerSession;
  subscriptions: Subscription[];
  clock: ArrivalClock;
}

const webSocketLink = (ws: WebSocket): FeedLink => ({
  send: (message) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  },
  close: (code, reason) => ws.close(code, reason),
});

/** An HTTP stream answers with one JSON message per line (NDJSON) while its body comes in. */
const httpLink = (res: ServerResponse): FeedLink => ({
  send: (message) => {
    if (!res.writableEnded) res.write(`${JSON.stringify(message)}\n`);
  },
  // The body may still be coming (a replaced ffmpeg): once the answer is out, the connection goes.
  close: () => res.end(() => res.destroy()),
});

const recognitionOff = (): RelayError => new RelayError('recognition_off', 'speech recognition is off: set ASR_ENGINE=dashscope and a DashScope key', 503);

export function createAudioSource(options: AudioSourceOptions): AudioSource {
  const { recognizer } = options;
  const nowMs = options.nowMs ?? Date.now;
  const user = options.user ?? 'streamer';
  const log = options.logger.child({ source: 'speech' });
  const gate = new IngestGate(options.token, 'an audio feed', log);
  const events$ = new Subject<SourceEvent>();
  const rate = new MinuteRate(nowMs);
  const wss = new WebSocketServer({ noServer: true, maxPayload: AUDIO_INGEST_MAX_FRAME_BYTES });
  const latenciesMs: number[] = [];
  let accepting = false;
  let current: Feed | undefined;
  let connections = 0;
  let state: RecognitionState = recognizer ? 'idle' : 'off';
  let lastError: string | undefined;
  let audioSentMsBefore = 0;

  const toLine = (feed: Feed, session: RecognizerSession, r: RecognitionResult): SubtitleLine => {
    const startedAtMs = feed.clock.wallAt(r.startMs);
    const translation = r.translations[0];
    return {
      type: 'subtitle',
      source: 'speech',
      messageId: `speech-${session.id}-${r.sentenceId}`,
      text: r.text,
      final: r.kind === 'final',
      ...(options.lang !== undefined && { lang: options.lang }),
      receivedAtMs: nowMs(),
      ...(r.kind === 'final' && {
        words: r.words.map((w) => ({ text: w.text + w.punctuation, startMs: Math.max(0, w.startMs - r.startMs), endMs: Math.max(0, w.endMs - r.startMs) })),
        durationMs: Math.max(0, r.endMs - r.startMs),
        ...(startedAtMs !== undefined && { startedAtMs: Math.round(startedAtMs) }),
      }),
      ...(translation !== undefined && translation.text !== '' && { translation: { lang: translation.lang, text: translation.text } }),
    };
  };

  const onResult = (feed: Feed, session: RecognizerSession, r: RecognitionResult): void => {
    const line = toLine(feed, session, r);
    if (line.final) {
      const endWallMs = feed.clock.wallAt(r.endMs);
      if (endWallMs !== undefined) {
        latenciesMs.push(Math.max(0, nowMs() - endWallMs));
        if (latenciesMs.length > LATENCY_WINDOW) latenciesMs.shift();
      }
    }
    rate.record();
    events$.next(line);
    feed.link.send({ type: 'line', id: line.messageId, text: line.text, final: line.final, ...(line.lang && { lang: line.lang }), ...(line.translation && { translation: line.translation }) });
    if (line.final && options.voiceFinals && line.text.trim() !== '') {
      const roles: ChatRole[] = ['broadcaster', 'viewer'];
      events$.next({ type: 'caption', kind: 'chat', text: line.text, user, roles, messageId: line.messageId, source: 'speech', ...(line.lang && { lang: line.lang }), receivedAtMs: nowMs() });
    }
  };

  const openSession = (feed: Feed, engine: RecognizerEngine): RecognizerSession => {
    const session = engine.open({ label: `feed-${feed.connection}` });
    feed.subscriptions.push(
      session.results$.subscribe((r) => onResult(feed, session, r)),
      session.status$.subscribe((s) => {
        if (current === feed) state = PAGE_STATE[s.state];
        if (s.error) {
          lastError = `${s.error.code}: ${s.error.message}`;
          log.warn({ connection: feed.connection, code: s.error.code, state: s.state }, `recognizer: ${s.error.message}`);
        }
        feed.link.send({ type: 'state', state: PAGE_STATE[s.state], ...(s.error && { detail: s.error.message }) });
      }),
    );
    return session;
  };

  /** Ends a feed; resolves once its session finished (its last sentence came out final and was shown). */
  const endFeed = async (feed: Feed): Promise<void> => {
    if (current === feed) {
      current = undefined;
      state = recognizer ? 'idle' : 'off';
    }
    const session = feed.session;
    if (!session) return;
    feed.session = undefined; // a replaced feed ends again when its transport closes
    try {
      await session.finish();
    } finally {
      audioSentMsBefore += session.usage().audioSentMs;
      for (const s of feed.subscriptions) s.unsubscribe();
    }
  };

  /** A new feed replaces the current one (one microphone recognized and billed at a time). */
  const acceptFeed = (link: FeedLink): Feed => {
    const feed: Feed = { link, connection: ++connections, subscriptions: [], clock: new ArrivalClock() };
    if (current) {
      log.info({ connection: current.connection, by: feed.connection }, 'audio feed replaced by a new one');
      current.link.send({ type: 'error', error: { code: 'replaced', message: 'another audio feed connected; this one is closed' } });
      current.link.close(4000, 'replaced');
      void endFeed(current);
    }
    current = feed;
    log.info({ connection: feed.connection }, 'audio feed connected');
    link.send({ type: 'state', state: 'idle' });
    return feed;
  };

  /** Audio of a feed still current: whole 16-bit samples, any length. */
  const feedAudio = (feed: Feed, pcm: Uint8Array): void => {
    // A feed replaced or closed is never current again: its audio is no longer recognized.
    if (current !== feed || pcm.byteLength === 0) return;
    feed.session ??= openSession(feed, recognizer!);
    feed.clock.record(pcmBytesToMs(pcm.byteLength, RECOGNIZER_SAMPLE_RATE_HZ), nowMs());
    feed.session.write(pcm);
  };

  wss.on('connection', (ws: WebSocket) => {
    const feed = acceptFeed(webSocketLink(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (current !== feed) return;
      if (!isBinary) {
        const error = new RelayError('text_frame', `send binary frames of ${RECOGNIZER_SAMPLE_RATE_HZ} Hz mono 16-bit PCM, not text`, 400);
        lastError = `${error.code}: ${error.message}`;
        feed.link.send({ type: 'error', error: { code: error.code, message: error.message } });
        return;
      }
      const pcm = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (pcm.byteLength === 0 || pcm.byteLength % 2 !== 0) {
        feed.link.send({ type: 'error', error: { code: 'invalid_frame', message: `a frame must hold whole 16-bit samples (got ${pcm.byteLength} bytes)` } });
        return;
      }
      feedAudio(feed, pcm);
    });
    ws.on('error', (error) => {
      lastError = error.message;
      log.warn({ connection: feed.connection, error: error.message }, 'audio feed socket error');
    });
    ws.on('close', () => {
      log.info({ connection: feed.connection }, 'audio feed disconnected');
      void endFeed(feed);
    });
  });

  /**
   * `POST /ingest/audio` with the PCM as its (chunked) body, for tools without WebSocket
   * (ffmpeg): answered at once with 200 and NDJSON messages as they come; the response ends
   * once the body ended and the session finished (or the feed was replaced).
   */
  const takeStream = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'POST') {
      gate.refuseRequest(res, new RelayError('method_not_allowed', `${req.method?.slice(0, 20)} is not allowed here; POST the audio (or open a WebSocket)`, 405));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    const feed = acceptFeed(httpLink(res));
    /** A chunk may end inside a sample: its odd byte waits for the next chunk. */
    const aligner = new Pcm16Aligner();
    req.on('data', (chunk: Buffer) => {
      const pcm = aligner.push(chunk);
      if (pcm) feedAudio(feed, pcm);
    });
    req.on('end', () => {
      log.info({ connection: feed.connection }, 'audio stream ended');
      void endFeed(feed).finally(() => res.end());
    });
    req.on('close', () => {
      if (!req.complete) void endFeed(feed).finally(() => res.end());
    });
  };

  const median = (v: number[]): number | undefined => (v.length === 0 ? undefined : [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]);

  const recognition = (): RecognitionStatus => {
    const finalLatencyMs = median(latenciesMs);
    const hotWords = recognizer?.hotWords?.();
    const error = lastError ?? hotWords?.error;
    return {
      state,
      ...(recognizer && { engine: recognizer.name, model: recognizer.model, translateTo: [...recognizer.translateTo] }),
      feeds: current ? 1 : 0,
      ...(error !== undefined && { lastError: error }),
      ...(hotWords && { hotWords }),
      ...(finalLatencyMs !== undefined && { finalLatencyMs: Math.round(finalLatencyMs) }),
      audioSentMs: Math.round(audioSentMsBefore + (current?.session?.usage().audioSentMs ?? 0)),
    };
  };

  return {
    name: 'speech',
    events$: events$.asObservable(),
    upgrade: {
      path: AUDIO_INGEST_PATH,
      handleUpgrade(req, socket, head) {
        if (!recognizer) {
          gate.refuse(socket, recognitionOff());
          return;
        }
        if (!gate.admit(req, socket, accepting)) return;
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      },
      handleStream(req, res) {
        if (!recognizer) {
          gate.refuseRequest(res, recognitionOff());
          return;
        }
        if (gate.admitRequest(req, res, accepting)) takeStream(req, res);
      },
    },
    status: () => ({
      connected: current !== undefined,
      messagesPerMin: rate.perMinute(),
      ...(lastError !== undefined && { lastError }),
    }),
    recognition,
    start() {
      accepting = true;
    },
    async stop() {
      accepting = false;
      current?.link.close(1001, 'relay stopping'); // an HTTP stream too, not only the WebSockets below
      const closed = [...wss.clients].map((ws) => once(ws, 'close'));
      for (const ws of wss.clients) ws.close(1001, 'relay stopping');
      await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 2000).unref())]);
      for (const ws of wss.clients) ws.terminate();
      await recognizer?.close();
    },
  };
}
