import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecrets } from './secrets.ts';

describe('secrets', () => {
  it('generates, saves (0600) and reuses the token and overlay key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const first = loadSecrets(dir, {});
    expect(first.token).not.toBe(first.overlayKey);
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(loadSecrets(dir, {})).toEqual(first);
  });

  it('uses given values and does not write them to disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const s = loadSecrets(dir, { token: 'given-token-0123456789' });
    expect(s.token).toBe('given-token-0123456789');
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).not.toContain('given-token');
  });
});
