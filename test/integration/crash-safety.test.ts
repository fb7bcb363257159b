/**
 * Issue 7, "nothing accepted is lost": a real relay process is killed in the middle of a
 * burst of captions (SIGKILL, and a graceful SIGTERM), then restarted on the same data dir.
 * Every caption that got a 202 plays exactly once: what had finished playing before the
 * kill does not start again, everything else plays after the restart, nothing is missing.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AckOverlay } from '../support/ack-overlay.ts';
import { startChildRelay, type ChildExit, type ChildRelay } from '../support/child-relay.ts';

const CAPTIONS = 300;
/** Captions POSTed all at once before the SIGKILL right after their 202s. */
const RAID_CAPTIONS = 120;
const KILL_AFTER_ACCEPTED = 150;
const CONCURRENCY = 6;
/** Each sender's pause between captions: ~100 captions/s, so readouts play during the burst. */
const SEND_GAP_MS = 50;
/** The signal waits until the overlay has acked at least this many readouts. */
const MIN_PLAYED_BEFORE_SIGNAL = 10;
const DRAIN_TIMEOUT_MS = 40_000;
const SETTINGS = {
  RELAY_MAX_QUEUED: '5000',
  RELAY_DEDUPE_WINDOW_MS: '0',
  RELAY_ACK_GRACE_MS: '2000',
};
const ACTIVE = new Set(['queued', 'synthesizing', 'playing']);

interface Row {
  id: string;
  state: string;
  reason: string | null;
}

const relays: ChildRelay[] = [];
const overlays: AckOverlay[] = [];
const dataDirs: string[] = [];

afterAll(async () => {
  for (const overlay of overlays) overlay.disconnect();
  await Promise.all(relays.map((r) => r.kill('SIGKILL').catch(() => undefined)));
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function start(dataDir?: string): Promise<ChildRelay> {
  const relay = await startChildRelay({ dataDir, env: SETTINGS });
  relays.push(relay);
  if (!dataDirs.includes(relay.dataDir)) dataDirs.push(relay.dataDir);
  return relay;
}

function captionText(i: number): string {
  return i % 2 === 0 ? `msg ${i}` : `短消息 ${i}`;
}

interface Burst {
  /** id → text of every caption answered 202 (each one a promise). */
  accepted: Map<string, string>;
  /** Requests that failed because the relay went away (nothing promised). */
  failed: number;
  /** Answers other than 202 (there should be none). */
  unexpected: string[];
  /** How the process ended, and how long after the signal. */
  exit: ChildExit;
  exitAfterMs: number;
}

/**
 * Posts CAPTIONS captions from CONCURRENCY parallel senders and sends `signal` to the relay
 * once KILL_AFTER_ACCEPTED were accepted and the overlay has played a few. Each sender stops
 * at its first failed request.
 */
async function burstAndSignal(relay: ChildRelay, overlay: AckOverlay, signal: NodeJS.Signals): Promise<Burst> {
  const accepted = new Map<string, string>();
  const unexpected: string[] = [];
  let failed = 0;
  let next = 0;
  let signalled: Promise<{ exit: ChildExit; exitAfterMs: number }> | undefined;
  const signalNow = () => {
    const signalledAtMs = Date.now();
    return relay.kill(signal).then((exit) => ({ exit, exitAfterMs: Date.now() - signalledAtMs }));
  };
  const sender = async () => {
    while (next < CAPTIONS) {
      const i = next++;
      let res: Response;
      let body: { id?: string; error?: unknown };
      try {
        res = await relay.post('/api/captions', { text: captionText(i), user: `viewer${i % 7}` });
        body = (await res.json()) as typeof body;
      } catch {
        failed += 1;
        return; // the relay is gone
      }
      if (res.status === 202 && typeof body.id === 'string') accepted.set(body.id, captionText(i));
      else unexpected.push(`${res.status} ${JSON.stringify(body)}`);
      if (!signalled && accepted.size >= KILL_AFTER_ACCEPTED && overlay.acks.length >= MIN_PLAYED_BEFORE_SIGNAL) {
        signalled = signalNow();
      }
      await new Promise((r) => setTimeout(r, SEND_GAP_MS));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  const { exit, exitAfterMs } = await (signalled ?? signalNow());
  return { accepted, failed, unexpected, exit, exitAfterMs };
}

function readRows(dataDir: string): Map<string, Row> {
  const db = new Database(join(dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare<[], Row>('SELECT id, state, reason FROM utterances').all();
    return new Map(rows.map((r) => [r.id, r]));
  } finally {
    db.close();
  }
}

async function activeItems(relay: ChildRelay): Promise<{ id: string; state: string; text: string }[]> {
  const res = await relay.get('/api/queue');
  expect(res.status).toBe(200);
  const { items } = (await res.json()) as { items: { id: string; state: string; text: string }[] };
  return items.filter((i) => ACTIVE.has(i.state));
}

/** Waits (bounded) until GET /api/queue shows nothing queued, synthesizing or playing. */
async function waitUntilDrained(relay: ChildRelay): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const active = await activeItems(relay);
    if (active.length === 0) return;
    if (Date.now() > deadline) {
      const sample = active.slice(0, 5).map((i) => `${i.id} ${i.state} "${i.text}"`);
      throw new Error(`queue not drained after ${DRAIN_TIMEOUT_MS} ms: ${active.length} still active, e.g. ${sample.join('; ')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The whole scenario: burst, signal mid-burst while an overlay plays, restart, drain, and
 * check every accepted id against the database before and after and the overlay's view.
 */
async function interruptAndRecover(signal: NodeJS.Signals) {
  const first = await start();
  const overlay = new AckOverlay();
  overlays.push(overlay);
  await overlay.connect(first.url, first.overlayKey);
  const burst = await burstAndSignal(first, overlay, signal);
  await recoverAndCheck(first, overlay, burst, { midBurst: true });
  return burst;
}

/**
 * After the signal: every 202 is in the database; restart on the same data dir, drain, and
 * check every accepted id played exactly once (before the kill, or once after the restart).
 * `midBurst`: the signal came while readouts were played, in flight and waiting.
 */
async function recoverAndCheck(first: ChildRelay, overlay: AckOverlay, burst: Burst, { midBurst }: { midBurst: boolean }): Promise<void> {
  const before = readRows(first.dataDir);
  const playedBefore = new Set([...before.values()].filter((r) => r.state === 'played').map((r) => r.id));
  const activeBefore = [...before.values()].filter((r) => ACTIVE.has(r.state)).length;
  const inFlightBefore = [...before.values()].filter((r) => r.state === 'synthesizing' || r.state === 'playing').length;
  const context = () =>
    JSON.stringify({
      accepted: burst.accepted.size,
      failed: burst.failed,
      unexpected: burst.unexpected.slice(0, 5),
      exit: burst.exit,
      exitAfterMs: burst.exitAfterMs,
      playedBefore: playedBefore.size,
      activeBefore,
      inFlightBefore,
    });

  expect(burst.unexpected, context()).toEqual([]);
  if (midBurst) {
    // The signal really hit the middle of the burst, with readouts played, in flight and waiting.
    expect(burst.accepted.size, context()).toBeGreaterThanOrEqual(KILL_AFTER_ACCEPTED);
    expect(burst.accepted.size, context()).toBeLessThan(CAPTIONS);
    expect(playedBefore.size, context()).toBeGreaterThan(0);
    expect(inFlightBefore, context()).toBeGreaterThan(0);
  } else {
    // Readouts had started (taken) before the kill: they did not wait for the burst's fsyncs.
    expect(inFlightBefore + playedBefore.size, context()).toBeGreaterThan(0);
  }
  expect(activeBefore, context()).toBeGreaterThan(0);
  // Whatever the relay committed as played, the overlay had acked (no safety-timeout guesses).
  const ackedBefore = new Set(overlay.acks.map((a) => a.id));
  expect([...playedBefore].filter((id) => !ackedBefore.has(id)), context()).toEqual([]);
  // Every 202 was committed before it was answered.
  expect([...burst.accepted.keys()].filter((id) => !before.has(id)), context()).toEqual([]);

  const second = await start(first.dataDir);
  await overlay.connect(second.url, second.overlayKey);
  await waitUntilDrained(second);
  overlay.disconnect();
  const stopped = await second.kill('SIGTERM');
  expect(stopped, second.output()).toEqual({ code: 0, signal: null });

  const after = readRows(first.dataDir);
  const afterRestart = (g: number) => g === 2;
  const missing: string[] = [];
  const notFinal: Row[] = [];
  const replayed: string[] = [];
  const notPlayedAfter: string[] = [];
  for (const [id, text] of burst.accepted) {
    const row = after.get(id);
    if (!row) {
      missing.push(`${id} ${text}`);
      continue;
    }
    const final = row.state === 'played' || (row.state === 'dropped' && (row.reason ?? '').length > 0);
    if (!final) notFinal.push(row);
    if (playedBefore.has(id)) {
      // Finished before the kill: must not start again.
      if (AckOverlay.count(overlay.starts, id, afterRestart) > 0) replayed.push(id);
    } else if (row.state === 'played') {
      // Played after the restart, through the overlay, once.
      const starts = AckOverlay.count(overlay.starts, id, afterRestart);
      const acks = AckOverlay.count(overlay.acks, id, afterRestart);
      if (starts !== 1 || acks !== 1 || row.reason === 'ack-timeout') {
        notPlayedAfter.push(`${id} starts=${starts} acks=${acks} reason=${row.reason}`);
      }
    }
  }
  expect(missing, context()).toEqual([]);
  expect(notFinal, context()).toEqual([]);
  expect(replayed, context()).toEqual([]);
  expect(notPlayedAfter, context()).toEqual([]);
  // Nothing at all is left active (also captions whose 202 was lost with the connection).
  expect([...after.values()].filter((r) => ACTIVE.has(r.state)), context()).toEqual([]);
  // Nothing played after the restart that had not been accepted.
  const strangers = [...overlay.startedIn(afterRestart)].filter((id) => !after.has(id));
  expect(strangers, context()).toEqual([]);
}

/**
 * RAID_CAPTIONS captions POSTed at once (the group sync answers them in a few fsyncs, while
 * the first readouts already start), then SIGKILL the moment the last 202 arrives: nothing
 * of the burst had time to be fsynced by anything but the group sync the 202s waited for.
 */
async function raidThenKill(relay: ChildRelay): Promise<Burst> {
  const accepted = new Map<string, string>();
  const unexpected: string[] = [];
  await Promise.all(
    Array.from({ length: RAID_CAPTIONS }, async (_, i) => {
      const text = `raid ${captionText(i)}`;
      const res = await relay.post('/api/captions', { text, user: `raider${i % 11}` });
      const body = (await res.json()) as { id?: string };
      if (res.status === 202 && typeof body.id === 'string') accepted.set(body.id, text);
      else unexpected.push(`${res.status} ${JSON.stringify(body)}`);
    }),
  );
  const signalledAtMs = Date.now();
  const exit = await relay.kill('SIGKILL');
  return { accepted, failed: 0, unexpected, exit, exitAfterMs: Date.now() - signalledAtMs };
}

describe('crash safety (a real relay process)', () => {
  it('SIGKILL in the middle of a burst: every 202 plays exactly once after a restart', async () => {
    const burst = await interruptAndRecover('SIGKILL');
    expect(burst.exit).toEqual({ code: null, signal: 'SIGKILL' });
  }, 90_000);

  it('SIGKILL right after a burst of 202s (group-synced, readouts already started): every accepted id is there and plays exactly once', async () => {
    const first = await start();
    const overlay = new AckOverlay();
    overlays.push(overlay);
    await overlay.connect(first.url, first.overlayKey);
    const burst = await raidThenKill(first);
    expect(burst.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(burst.accepted.size).toBe(RAID_CAPTIONS);
    await recoverAndCheck(first, overlay, burst, { midBurst: false });
  }, 90_000);

  it('SIGTERM in the middle of a burst: exits 0 within 5 s and loses nothing', async () => {
    const burst = await interruptAndRecover('SIGTERM');
    expect(burst.exit).toEqual({ code: 0, signal: null });
    expect(burst.exitAfterMs).toBeLessThan(5_000);
  }, 90_000);
});
