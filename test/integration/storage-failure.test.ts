/**
 * Issue 7, "nothing accepted is lost", when the disk gives out: a real relay process whose
 * data dir stops taking writes (relay.db made immutable, or a tmpfs data dir filled up)
 * answers POST /api/captions with 503 storage_unavailable naming the problem instead of a
 * 202 it cannot keep, stays up (/healthz answers), and once the disk is back it plays what
 * it had accepted before, and accepts again, without a restart.
 *
 * Both faults need root (chattr +i, mount); the tests skip where the machine refuses them.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AckOverlay } from '../support/ack-overlay.ts';
import { startChildRelay, type ChildRelay } from '../support/child-relay.ts';

const ACTIVE = new Set(['queued', 'synthesizing', 'playing']);
const DRAIN_TIMEOUT_MS = 20_000;
const SETTINGS = { RELAY_DEDUPE_WINDOW_MS: '0', RELAY_ACK_GRACE_MS: '2000' };

interface Fault {
  name: string;
  supported: boolean;
  /** What the 503's message must say. */
  message: RegExp;
  /** Before the relay starts (e.g. mount the data dir). */
  prepare(dir: string): void;
  /** The disk stops taking the relay's writes. */
  inject(dir: string): void;
  /** The disk is back. */
  repair(dir: string): void;
  /** Undo everything, whatever state the test died in; never throws. */
  cleanup(dir: string): void;
}

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: 'ignore' });
}

function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // cleanup: best effort
  }
}

function probe(fn: (dir: string) => void): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'cosy-fault-probe-'));
  try {
    fn(dir);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const dbFiles = (dir: string) => ['relay.db', 'relay.db-wal'].map((f) => join(dir, f));

/** Root ignores file modes, not the immutable attribute: every commit to the WAL fails. */
const immutableDb: Fault = {
  name: 'relay.db and its WAL made immutable (chattr +i)',
  supported: probe((dir) => {
    const file = join(dir, 'probe');
    closeSync(openSync(file, 'w'));
    run('chattr', ['+i', file]);
    run('chattr', ['-i', file]);
  }),
  message: /SQLITE_IOERR|I\/O error/,
  prepare: () => undefined,
  inject: (dir) => {
    for (const file of dbFiles(dir)) expect(existsSync(file), file).toBe(true);
    run('chattr', ['+i', ...dbFiles(dir)]);
  },
  repair: (dir) => run('chattr', ['-i', ...dbFiles(dir)]),
  cleanup: (dir) => {
    for (const file of dbFiles(dir)) quietly(() => run('chattr', ['-i', file]));
  },
};

const FILLER = 'filler.bin';

/** A small tmpfs as the data dir, filled to the last byte: the next WAL frame gets ENOSPC. */
const fullDisk: Fault = {
  name: 'data dir on a full disk (tmpfs)',
  supported: probe((dir) => {
    run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    run('umount', [dir]);
  }),
  message: /SQLITE_FULL|disk is full/,
  prepare: (dir) => run('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'cosy-relay-full', dir]),
  inject: (dir) => {
    const fd = openSync(join(dir, FILLER), 'w');
    const block = Buffer.alloc(64 * 1024, 1);
    try {
      for (let size = block.length; size >= 1; ) {
        try {
          writeSync(fd, block, 0, size);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          size = Math.floor(size / 2); // fill the last partial block too
        }
      }
    } finally {
      closeSync(fd);
    }
  },
  repair: (dir) => rmSync(join(dir, FILLER), { force: true }),
  cleanup: (dir) => {
    quietly(() => run('umount', [dir]));
    quietly(() => run('umount', ['-l', dir]));
  },
};

interface Running {
  relay: ChildRelay;
  overlay: AckOverlay;
  dir: string;
  fault: Fault;
}

let current: Running | undefined;
const dirs: string[] = [];

async function tearDown(): Promise<void> {
  const running = current;
  current = undefined;
  if (!running) return;
  running.overlay.disconnect();
  await running.relay.kill('SIGKILL').catch(() => undefined);
  running.fault.cleanup(running.dir); // after the kill: a busy tmpfs will not unmount
}

afterEach(tearDown);
afterAll(async () => {
  await tearDown();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function startWith(fault: Fault, overlayPlaybackMs?: number): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'cosy-relay-storage-'));
  dirs.push(dir);
  fault.prepare(dir);
  const overlay = new AckOverlay({ playbackMs: overlayPlaybackMs });
  // Registered before the start, so a failed start still undoes the mount.
  current = { relay: undefined as unknown as ChildRelay, overlay, dir, fault };
  try {
    current.relay = await startChildRelay({ dataDir: dir, env: SETTINGS });
  } catch (error) {
    current = undefined;
    fault.cleanup(dir);
    throw error;
  }
  return current;
}

async function postCaption(relay: ChildRelay, text: string): Promise<{ status: number; body: { id?: string; error?: { code: string; message: string } } }> {
  const res = await relay.post('/api/captions', { text, user: 'viewer' });
  return { status: res.status, body: (await res.json()) as never };
}

async function accept(relay: ChildRelay, text: string): Promise<string> {
  const { status, body } = await postCaption(relay, text);
  expect(status, JSON.stringify(body)).toBe(202);
  return body.id!;
}

async function waitUntilDrained(relay: ChildRelay, timeoutMs = DRAIN_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    expect(relay.running(), relay.output()).toBe(true);
    const { items } = (await (await relay.get('/api/queue')).json()) as { items: { text: string; state: string }[] };
    const active = items.filter((i) => ACTIVE.has(i.state));
    if (active.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `queue not drained ${timeoutMs} ms after the disk came back: ${active.map((i) => `"${i.text}" ${i.state}`).join(', ')}\n` +
          relay.output().slice(-4000),
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function rowsByText(dir: string): Map<string, { id: string; state: string; reason: string | null }[]> {
  const db = new Database(join(dir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare<[], { id: string; text: string; state: string; reason: string | null }>('SELECT id, text, state, reason FROM utterances').all();
    const byText = new Map<string, { id: string; state: string; reason: string | null }[]>();
    for (const { text, ...row } of rows) byText.set(text, [...(byText.get(text) ?? []), row]);
    return byText;
  } finally {
    db.close();
  }
}

/** During the fault: every caption is refused with 503 storage_unavailable, and the relay stays up. */
async function expectRefusedButAlive(relay: ChildRelay, fault: Fault, texts: string[]): Promise<void> {
  for (const text of texts) {
    const { status, body } = await postCaption(relay, text);
    expect(status, JSON.stringify(body)).toBe(503);
    expect(body.error?.code).toBe('storage_unavailable');
    expect(body.error?.message).toMatch(fault.message);
  }
  const health = await fetch(`${relay.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ engine: { name: 'embedded' }, queue: { active: expect.any(Number) } });
  expect(relay.running(), relay.output()).toBe(true);
}

describe.each([immutableDb, fullDisk])('storage failure: $name', (fault) => {
  it(
    '503 storage_unavailable while it lasts; the relay stays up; what was accepted before plays once the disk is back',
    async () => {
      expect(fault.supported, `${fault.name}: this machine cannot produce the fault (the suite runs as root)`).toBe(true);
      const { relay, overlay, dir } = await startWith(fault);
      // Accepted while no overlay is connected: they wait in the queue.
      const before: string[] = [];
      for (let i = 0; i < 5; i++) before.push(await accept(relay, `before ${i}`));

      fault.inject(dir);
      try {
        await expectRefusedButAlive(relay, fault, ['during 0', 'during 1', 'during 2']);
        // Reads still work: the accepted ones are listed, still waiting.
        const { items } = (await (await relay.get('/api/queue')).json()) as { items: { id: string; state: string }[] };
        expect(items.filter((i) => before.includes(i.id)).map((i) => i.state)).toEqual(Array(5).fill('queued'));
      } finally {
        fault.repair(dir);
      }

      // Back without a restart: accepts again and plays everything it had promised.
      const after = await accept(relay, 'after');
      await overlay.connect(relay.url, relay.overlayKey);
      await waitUntilDrained(relay);
      overlay.disconnect();
      expect(await relay.kill('SIGTERM')).toEqual({ code: 0, signal: null });

      const rows = rowsByText(dir);
      for (const [i, id] of before.entries()) {
        expect(rows.get(`before ${i}`), `before ${i}`).toEqual([{ id, state: 'played', reason: null }]);
      }
      expect(rows.get('after')).toEqual([{ id: after, state: 'played', reason: null }]);
      // Nothing refused was half-accepted.
      for (const text of ['during 0', 'during 1', 'during 2']) expect(rows.has(text), text).toBe(false);
      // Each played through the overlay exactly once.
      for (const id of [...before, after]) {
        expect(AckOverlay.count(overlay.starts, id), id).toBe(1);
        expect(AckOverlay.count(overlay.acks, id), id).toBe(1);
      }
    },
    60_000,
  );
});

describe('storage failure while an overlay is playing', () => {
  // Guards two fixed bugs: a take that hit the broken disk used to stop the pipeline for good,
  // and markPlaying/markPlayed reported success for commits that failed (better-sqlite3
  // `.get()` on an autocommit UPDATE … RETURNING swallows the commit error).
  it(
    'keeps playing what it accepted once the disk is back, each readout exactly once, without a restart',
    { timeout: 60_000 },
    async () => {
      const fault = immutableDb;
      expect(fault.supported, `${fault.name}: this machine cannot produce the fault (the suite runs as root)`).toBe(true);
      const { relay, overlay, dir } = await startWith(fault, 300);
      await overlay.connect(relay.url, relay.overlayKey);
      const before: string[] = [];
      for (let i = 0; i < 8; i++) before.push(await accept(relay, `before ${i}`));
      await expect.poll(() => overlay.acks.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);

      fault.inject(dir);
      try {
        await expectRefusedButAlive(relay, fault, ['during 0']);
        // Let acks and takes run into the broken disk.
        await new Promise((r) => setTimeout(r, 1_500));
        expect(relay.running(), relay.output()).toBe(true);
      } finally {
        fault.repair(dir);
      }

      const after = await accept(relay, 'after');
      await waitUntilDrained(relay, 10_000); // ~3 s of playback left
      overlay.disconnect();
      expect(await relay.kill('SIGTERM')).toEqual({ code: 0, signal: null });

      const rows = rowsByText(dir);
      for (const [i, id] of [...before, after].entries()) {
        const text = i < before.length ? `before ${i}` : 'after';
        // 'ack-timeout': an ack sent while the disk was broken may be lost; the safety net ends it.
        expect(rows.get(text)?.map((r) => `${r.id} ${r.state} ${r.reason === 'ack-timeout' ? null : r.reason}`), text).toEqual([`${id} played null`]);
        expect(AckOverlay.count(overlay.starts, id), text).toBe(1);
      }
    },
  );
});
