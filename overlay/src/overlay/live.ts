/**
 * The live overlay: receives utterances over Socket.IO `/overlay`, plays their PCM through
 * Web Audio on a jitter-buffered schedule, highlights words on the audio clock, applies the
 * stored style the relay pushes (`overlay:style`), and acknowledges playback (the relay's
 * queue advances on these acks).
 *
 * Ack semantics: `playback:start` when the first sample is rendered (atMs = wall clock when it
 * leaves the speakers), `playback:end` once `utterance:end` arrived and the last sample played.
 * A cancelled utterance gets no `playback:end` (the server cancelled it, it already knows).
 * A replayed `utterance:start` for an id already played gets its `playback:end` re-sent, so a
 * lost ack cannot stall the server's queue after a reconnect.
 */
import type {
  AudioChunkEvent,
  CueEvent,
  OverlayStyleEvent,
  SubtitleLineEvent,
  UtteranceCancelEvent,
  UtteranceEndEvent,
  UtteranceStartEvent,
} from '../../../server/src/core/protocol.ts';
import type { TimedWord } from '../../../server/src/core/types.ts';
import { JitterBuffer, renderQuantumMs, type JitterCounters, type ScheduleOp, type UtteranceTimeline } from '../lib/jitter-buffer.ts';
import { parseOverlayParams, type OverlayParams } from '../lib/overlay-params.ts';
import { connectNamespace, retryWhenRefused } from '../lib/socket.ts';
import { OVERLAY_VERSION } from '../lib/version.ts';
import { mergeWords } from '../lib/word-layout.ts';
import { AudioPlayer } from './audio-player.ts';
import type { CaptionContent, CaptionView } from './caption-view.ts';
import type { SubtitleLines } from './subtitle-lines.ts';
import type { OverlayStyleView } from './style-view.ts';

const MAX_ID_LENGTH = 128;
const MAX_TEXT_LENGTH = 10_000;
const MAX_WORDS_PER_UTTERANCE = 2000;
const MIN_RATE_HZ = 3000;
const MAX_RATE_HZ = 384_000;

interface Held extends CaptionContent {
  sampleRateHz: number;
}

export interface OverlayStats extends JitterCounters {
  version: string;
  connected: boolean;
  audioState: AudioContextState;
  currentTime: number;
  contextSampleRateHz: number;
  leadMs: number;
  invalidEvents: number;
  /** `subtitle:line` events shown (ASR). */
  subtitleLines: number;
  pendingUtterances: number;
  liveSources: number;
  currentId: string | null;
  acks: { start: number; end: number; reEnd: number };
  peakLevel: number;
  maxPeakLevel: number;
  rejectedParams: string[];
  /** Recently finished utterances (oldest first) followed by those held now. */
  utterances: UtteranceTimeline[];
}

declare global {
  interface Window {
    __overlayStats?: OverlayStats;
    obsstudio?: unknown;
  }
}

export interface LivePage {
  params: OverlayParams;
  rejected: string[];
  isColor: (v: string) => boolean;
  view: CaptionView;
  style: OverlayStyleView;
  subtitles: SubtitleLines;
  statusEl: HTMLElement;
  debugEl: HTMLElement;
  enableButton: HTMLButtonElement;
}

export function startLive({ params, rejected, isColor, view, style, subtitles, statusEl, debugEl, enableButton }: LivePage): void {
  // ---- state ----
  const player = new AudioPlayer(params.volume);
  const jitter = new JitterBuffer({ leadMs: params.leadMs, maxLeadMs: params.maxLeadMs, safetyMs: renderQuantumMs(player.ctx.sampleRate) });
  const held = new Map<string, Held>();
  /** The caption on screen once its utterance finished: cleared `holdMs` after its end. */
  let shownEndSec: number | null = null;
  /** Cues for ids not held (finished or unknown); the jitter buffer counts the other ignored events. */
  let ignoredCues = 0;

  const stats: OverlayStats = {
    version: OVERLAY_VERSION,
    connected: false,
    audioState: player.ctx.state,
    currentTime: 0,
    contextSampleRateHz: player.ctx.sampleRate,
    leadMs: jitter.leadMs,
    ...jitter.counters,
    invalidEvents: 0,
    subtitleLines: 0,
    pendingUtterances: 0,
    liveSources: 0,
    currentId: null,
    acks: { start: 0, end: 0, reEnd: 0 },
    peakLevel: 0,
    maxPeakLevel: 0,
    rejectedParams: rejected,
    utterances: [],
  };
  window.__overlayStats = stats;

  function showStatus(message: string | null): void {
    statusEl.textContent = message ?? '';
    statusEl.hidden = message === null;
  }

  // ---- autoplay: a normal tab without a gesture starts 'suspended'; OBS autoplays ----
  function resumeAudio(): void {
    if (player.ctx.state === 'suspended') void player.ctx.resume().catch(() => undefined);
  }
  function syncAudioNotice(): void {
    stats.audioState = player.ctx.state;
    enableButton.hidden = player.ctx.state !== 'suspended' || window.obsstudio !== undefined;
  }
  enableButton.addEventListener('click', resumeAudio);
  document.addEventListener('pointerdown', resumeAudio, { capture: true });
  document.addEventListener('keydown', resumeAudio, { capture: true });
  player.ctx.addEventListener('statechange', syncAudioNotice);
  // Give a permitted context a moment to reach 'running' before offering the button.
  setTimeout(syncAudioNotice, 250);

  // ---- socket ----
  if (!params.key) showStatus('Missing ?key= in the overlay URL / 浮层地址缺少 ?key=');
  const socket = connectNamespace('/overlay', { key: params.key });
  retryWhenRefused(socket);

  socket.on('connect', () => {
    stats.connected = true;
    showStatus(params.key ? null : 'Missing ?key= in the overlay URL / 浮层地址缺少 ?key=');
    socket.emit('overlay:hello', { version: OVERLAY_VERSION });
  });
  socket.on('disconnect', (reason) => {
    stats.connected = false;
    // A server-side disconnect is not retried by socket.io; an unattended OBS source should come back.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 2000);
  });
  socket.on('connect_error', (err) => {
    stats.connected = false;
    if (err.message === 'unauthorized') showStatus('Overlay key rejected — check ?key= / 浮层密钥无效，请检查 ?key=');
  });

  const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH;
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

  function apply(ops: ScheduleOp[]): void {
    if (ops.length) player.apply(ops);
  }

  socket.on('utterance:start', (e: UtteranceStartEvent) => {
    if (!isObj(e) || !isId(e.id)) return void stats.invalidEvents++;
    const rate = e.sampleRateHz;
    if (
      typeof rate !== 'number' ||
      !Number.isInteger(rate) ||
      rate < MIN_RATE_HZ ||
      rate > MAX_RATE_HZ ||
      (e.channels as number) !== 1 ||
      e.format !== 'pcm_s16le'
    ) {
      return void stats.invalidEvents++;
    }
    const result = jitter.begin(e.id, player.now());
    if (result === 'finished') {
      // Replay of something already done: the server may have missed our end ack.
      if (jitter.finishedOutcome(e.id) === 'played') {
        socket.emit('playback:end', { id: e.id });
        stats.acks.reEnd++;
      }
      return;
    }
    if (result !== 'ok') return; // duplicate (replay of one in flight) or full (counted)
    held.set(e.id, {
      id: e.id,
      text: typeof e.text === 'string' ? e.text.slice(0, MAX_TEXT_LENGTH) : '',
      user: typeof e.user === 'string' ? e.user.slice(0, 100) : '',
      words: [],
      sampleRateHz: rate,
    });
  });

  socket.on('audio:chunk', (e: AudioChunkEvent) => {
    if (!isObj(e) || !isId(e.id) || !Number.isInteger(e.seq) || typeof e.offsetMs !== 'number') {
      return void stats.invalidEvents++;
    }
    const u = held.get(e.id);
    if (!u) {
      jitter.addChunk(e.id, e.seq, e.offsetMs, 1, player.now()); // counts it as ignored
      return;
    }
    const decoded = player.decode(e.pcm, u.sampleRateHz);
    if (!decoded) return void stats.invalidEvents++;
    const { result, ops } = jitter.addChunk(e.id, e.seq, e.offsetMs, decoded.durationMs, player.now());
    if (result === 'scheduled' || result === 'underrun' || result === 'buffered') player.store(e.id, e.seq, decoded.buffer);
    apply(ops);
  });

  socket.on('cue', (e: CueEvent) => {
    if (!isObj(e) || !isId(e.id) || !Array.isArray(e.words)) return void stats.invalidEvents++;
    const u = held.get(e.id);
    if (!u) return void ignoredCues++;
    const words: TimedWord[] = [];
    for (const w of e.words as unknown[]) {
      if (!isObj(w) || typeof w.text !== 'string' || typeof w.startMs !== 'number' || typeof w.endMs !== 'number') continue;
      if (!Number.isFinite(w.startMs) || !Number.isFinite(w.endMs)) continue;
      words.push({ text: w.text.slice(0, 200), startMs: w.startMs, endMs: w.endMs });
    }
    u.words = mergeWords(u.words, words, MAX_WORDS_PER_UTTERANCE);
    if (view.shownId === u.id) view.wordsChanged();
  });

  socket.on('utterance:end', (e: UtteranceEndEvent) => {
    if (!isObj(e) || !isId(e.id)) return void stats.invalidEvents++;
    apply(jitter.end(e.id, typeof e.durationMs === 'number' ? e.durationMs : 0, player.now()));
  });

  socket.on('utterance:cancel', (e: UtteranceCancelEvent) => {
    if (!isObj(e) || !isId(e.id)) return void stats.invalidEvents++;
    apply(jitter.cancel(e.id, player.now()));
    player.forget(e.id);
    held.delete(e.id);
    if (view.shownId === e.id) {
      view.clear();
      shownEndSec = null;
    }
    tick(); // let the next one start (and be acked) without waiting for a frame
  });

  // The stored style is the default; the URL's own parameters still win (parseOverlayParams).
  socket.on('overlay:style', (e: OverlayStyleEvent) => {
    if (!isObj(e) || !isObj(e.style)) return void stats.invalidEvents++;
    const parsed = parseOverlayParams(location.search, isColor, e.style);
    style.apply(parsed.params);
    stats.rejectedParams = parsed.rejected;
  });

  socket.on('subtitle:line', (e: SubtitleLineEvent) => {
    if (!isObj(e) || !isId(e.id) || typeof e.text !== 'string' || typeof e.final !== 'boolean') return void stats.invalidEvents++;
    const t = e.translation;
    const translation = isObj(t) && typeof t.lang === 'string' && typeof t.text === 'string' ? { lang: t.lang.slice(0, 35), text: t.text.slice(0, MAX_TEXT_LENGTH) } : undefined;
    subtitles.show({ id: e.id, text: e.text.slice(0, MAX_TEXT_LENGTH), final: e.final, ...(translation ? { translation } : {}) });
    stats.subtitleLines++;
  });
  socket.on('subtitle:clear', () => subtitles.clear());

  // ---- the clock: everything below is driven by the audio context's time ----
  function tick(): void {
    const now = player.now();
    const r = jitter.tick(now);
    apply(r.ops);
    for (const ev of r.events) {
      if (ev.type === 'started') {
        socket.emit('playback:start', { id: ev.id, atMs: Math.round(player.wallClockAt(ev.baseSec)) });
        stats.acks.start++;
        const u = held.get(ev.id);
        if (u) {
          view.show(u);
          shownEndSec = null;
        }
      } else if (ev.type === 'finished') {
        socket.emit('playback:end', { id: ev.id });
        stats.acks.end++;
        player.forget(ev.id);
        held.delete(ev.id);
        if (view.shownId === ev.id) {
          view.update(Infinity);
          shownEndSec = ev.endSec;
        }
      } else {
        player.forget(ev.id);
        held.delete(ev.id);
        if (view.shownId === ev.id) view.clear();
      }
    }
    const shown = view.shownId;
    if (shown !== null) {
      // Highlight what is heard: the render clock runs ahead of the speakers by the output latency.
      const pos = jitter.positionMs(shown, now - player.outputLatencySec());
      if (pos !== null) view.update(pos);
      else if (shownEndSec !== null && now >= shownEndSec + params.holdMs / 1000) {
        view.clear();
        shownEndSec = null;
      }
    }
    updateStats(now, shown);
  }

  let lastDebugMs = 0;
  function updateStats(now: number, shown: string | null): void {
    const c = jitter.counters;
    stats.audioState = player.ctx.state;
    stats.currentTime = now;
    stats.leadMs = jitter.leadMs;
    Object.assign(stats, c);
    stats.ignoredEvents = c.ignoredEvents + ignoredCues;
    stats.pendingUtterances = jitter.pendingCount;
    stats.liveSources = player.liveSources();
    stats.currentId = shown;
    stats.peakLevel = player.peakLevel();
    stats.maxPeakLevel = Math.max(stats.maxPeakLevel, stats.peakLevel);
    stats.utterances = [...jitter.history(), ...jitter.active()];
    if (params.debug && performance.now() - lastDebugMs > 250) {
      lastDebugMs = performance.now();
      const { utterances, ...rest } = stats;
      debugEl.textContent = JSON.stringify({ ...rest, utterances: utterances.slice(-4) }, null, 1);
    }
  }

  const onFrame = (): void => {
    tick();
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  // rAF pauses in hidden tabs; acks must not.
  setInterval(tick, 50);
}
