import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newVoiceId, type StoredVoice, VoiceStore } from './voice-store.ts';

const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'voice-store-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const voice = (name: string, extra: Partial<StoredVoice> = {}): StoredVoice => ({
  id: newVoiceId(),
  name,
  engine: 'cosyvoice-selfhost',
  promptText: '希望你以后能够做的比我还好哟。',
  createdAtMs: 1_700_000_000_000,
  durationMs: 4000,
  ...extra,
});
const WAV = new Uint8Array([82, 73, 70, 70, 1, 2, 3]);

describe('VoiceStore', () => {
  it('keeps voices and their samples across a restart', () => {
    const dir = freshDir();
    const first = new VoiceStore(dir, 200);
    const mine = voice('Mine', { language: 'zh-CN' });
    const enrolled = voice('Cloud', { engine: 'cosyvoice', enrolledVoiceId: 'cosyvoice-v2-cloud-abc', targetModel: 'cosyvoice-v2' });
    first.add(mine, WAV);
    first.add(enrolled, WAV);
    first.close();

    const again = new VoiceStore(dir, 200);
    expect(again.list()).toEqual([mine, enrolled]);
    expect(again.byName('mine')).toEqual(mine);
    expect([...again.readWav(mine.id)]).toEqual([...WAV]);
    again.close();
  });

  it('refuses a name already taken, whatever its case, and keeps no file for it', () => {
    const dir = freshDir();
    const store = new VoiceStore(dir, 200);
    store.add(voice('Ärger'), WAV);
    expect(() => store.add(voice('äRGER'), WAV)).toThrow(expect.objectContaining({ code: 'name_taken', httpStatus: 409 }));
    expect(store.size).toBe(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.wav'))).toHaveLength(1);
    store.close();
  });

  it('holds at most maxVoices', () => {
    const store = new VoiceStore(freshDir(), 2);
    store.add(voice('a'), WAV);
    store.add(voice('b'), WAV);
    expect(() => store.add(voice('c'), WAV)).toThrow(expect.objectContaining({ code: 'library_full', httpStatus: 409 }));
    store.close();
  });

  it('deletes the row and the file; removes files left without a row by a crash', () => {
    const dir = freshDir();
    const store = new VoiceStore(dir, 200);
    const gone = voice('gone');
    store.add(gone, WAV);
    expect(store.remove(gone.id)).toBe(true);
    expect(store.remove(gone.id)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.wav'))).toEqual([]);
    store.close();

    writeFileSync(join(dir, '0123456789abcdef.wav'), WAV);
    writeFileSync(join(dir, 'fedcba9876543210.wav.tmp'), WAV);
    new VoiceStore(dir, 200).close();
    expect(existsSync(join(dir, '0123456789abcdef.wav'))).toBe(false);
    expect(existsSync(join(dir, 'fedcba9876543210.wav.tmp'))).toBe(false);
  });
});
