import { describe, expect, it } from 'vitest';
import { isStyleParam, parseColor, parseFont, STYLE_PARAMS, styleValueProblem } from './overlay-style.ts';

describe('overlay style whitelist', () => {
  it('validates colours with the browser check when given', () => {
    expect(parseColor('notacolor', (v) => v !== 'notacolor')).toBeNull();
    expect(parseColor('tomato', () => true)).toBe('tomato');
    expect(parseColor('hsl(10, 50%, 40%)')).toBe('hsl(10, 50%, 40%)');
    expect(parseColor('rgb(1 2 3)')).toBeNull();
    expect(parseFont('"Unbalanced, serif')).toBeNull();
    expect(parseFont('"Noto Sans CJK SC", 微软雅黑')).toBe('"Noto Sans CJK SC", 微软雅黑');
  });

  it('says what a style parameter accepts', () => {
    expect(styleValueProblem('size', '42')).toBeNull();
    expect(styleValueProblem('size', '4000')).toBe('expected a whole number from 8 to 300');
    expect(styleValueProblem('position', 'left')).toBe('expected one of top, middle, bottom');
    expect(styleValueProblem('position', ' TOP ')).toBeNull();
    expect(styleValueProblem('shadow', 'maybe')).toBe('expected true or false');
  });

  it('knows only style parameters (playback ones are the URL\'s alone)', () => {
    expect(STYLE_PARAMS).toContain('highlight');
    expect(isStyleParam('leadMs')).toBe(false);
    expect(isStyleParam('toString')).toBe(false);
  });
});
