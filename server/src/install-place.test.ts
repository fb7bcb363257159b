import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, isCheckout, packageVersion, userDataDir } from './install-place.ts';

describe('install place', () => {
  it("puts an installed relay's data in the user's config dir of each platform", () => {
    expect(userDataDir({ platform: 'linux', env: {}, homeDir: '/home/ann' })).toBe('/home/ann/.config/cosy-relay');
    expect(userDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/cfg' }, homeDir: '/home/ann' })).toBe('/cfg/cosy-relay');
    expect(userDataDir({ platform: 'darwin', env: {}, homeDir: '/Users/ann' })).toBe('/Users/ann/Library/Application Support/cosy-relay');
    expect(userDataDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, homeDir: 'C:\\Users\\ann' })).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\cosy-relay',
    );
    expect(userDataDir({ platform: 'win32', env: {}, homeDir: 'C:\\Users\\ann' })).toBe('C:\\Users\\ann\\AppData\\Roaming\\cosy-relay');
  });

  it('knows a checkout by its sources, and keeps ./data there', () => {
    const installed = mkdtempSync(join(tmpdir(), 'cosy-relay-place-'));
    expect(isCheckout(installed)).toBe(false);
    mkdirSync(join(installed, 'server', 'src'), { recursive: true });
    expect(isCheckout(installed)).toBe(true);
    expect(isCheckout()).toBe(true);
    expect(defaultDataDir()).toBe('./data');
  });

  it("reads the package's version", () => {
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
