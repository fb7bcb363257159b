import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StorageError, ValidationError } from '../core/errors.ts';
import { SettingsStore } from './settings-store.ts';

const schema = z.object({ cooldownMs: z.number().int().min(0).default(1000), words: z.array(z.string()).default([]) });
const tmpFile = () => join(mkdtempSync(join(tmpdir(), 'settings-')), 'moderation.json');

describe('SettingsStore', () => {
  it('starts from defaults, persists a change atomically and emits it', () => {
    const path = tmpFile();
    const store = new SettingsStore(path, schema);
    const seen: unknown[] = [];
    store.value$.subscribe((v) => seen.push(v));
    expect(store.value).toEqual({ cooldownMs: 1000, words: [] });
    store.replace({ cooldownMs: 5, words: ['spam'] });
    expect(seen).toEqual([{ cooldownMs: 1000, words: [] }, { cooldownMs: 5, words: ['spam'] }]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ cooldownMs: 5, words: ['spam'] });
    expect(new SettingsStore(path, schema).value).toEqual({ cooldownMs: 5, words: ['spam'] });
  });

  it('refuses a bad value with a ValidationError naming the field and keeps the old one', () => {
    const store = new SettingsStore(tmpFile(), schema);
    expect(() => store.replace({ cooldownMs: -1 })).toThrow(ValidationError);
    expect(() => store.replace({ cooldownMs: 'soon' })).toThrow(/cooldownMs/);
    expect(store.value.cooldownMs).toBe(1000);
  });

  it('reports a corrupt settings file clearly instead of silently resetting it', () => {
    const path = tmpFile();
    writeFileSync(path, '{"cooldownMs": "nope"}');
    expect(() => new SettingsStore(path, schema)).toThrow(StorageError);
  });
});
