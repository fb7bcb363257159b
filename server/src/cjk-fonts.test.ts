import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCjkFonts } from './cjk-fonts.ts';

describe('checkCjkFonts', () => {
  it('finds the first Chinese font family fontconfig lists', async () => {
    expect(await checkCjkFonts('linux', async () => 'Noto Sans CJK SC,Noto Sans CJK SC Regular\nDroid Sans Fallback\n')).toEqual({ result: 'found', family: 'Noto Sans CJK SC' });
  });

  it('says missing when fontconfig lists none, and unknown when it cannot be asked or on another system', async () => {
    expect(await checkCjkFonts('linux', async () => '\n')).toEqual({ result: 'missing' });
    expect(await checkCjkFonts('linux', async () => Promise.reject(new Error('spawn fc-list ENOENT')))).toEqual({ result: 'unknown', why: 'fc-list failed: spawn fc-list ENOENT' });
    expect(await checkCjkFonts('win32', async () => '')).toEqual({ result: 'unknown', why: 'not checked on win32' });
  });

  it('on this machine (fonts-noto-cjk is installed by the test setup) finds a font through the real fc-list', async () => {
    expect(existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc')).toBe(true);
    expect(await checkCjkFonts()).toMatchObject({ result: 'found' });
  });
});
