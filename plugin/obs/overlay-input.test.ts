import { describe, expect, it } from 'vitest';
import { pickTextInputKind } from './overlay-input.ts';

describe('pickTextInputKind', () => {
  it('takes FreeType 2 on Linux', () => {
    expect(pickTextInputKind(['image_source', 'text_ft2_source_v2', 'ffmpeg_source'])).toBe('text_ft2_source_v2');
  });

  it('prefers GDI+ on Windows, newest version first', () => {
    expect(pickTextInputKind(['text_ft2_source_v2', 'text_gdiplus', 'text_gdiplus_v2', 'browser_source'])).toBe('text_gdiplus_v2');
  });

  it('has nothing to offer without a text source', () => {
    expect(pickTextInputKind(['image_source', 'color_source_v3'])).toBeUndefined();
  });
});
