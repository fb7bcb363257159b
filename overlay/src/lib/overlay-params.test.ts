import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, parseOverlayParams } from './overlay-params.ts';

describe('overlay URL params', () => {
  it('accepts valid style values', () => {
    const { params, rejected } = parseOverlayParams(
      '?key=k1&font=Noto%20Sans%20SC,%20sans-serif&size=48&color=fff&highlight=%23ff0&bg=rgba(0,0,0,0.4)&position=top&maxWords=8&leadMs=80&debug=1',
    );
    expect(rejected).toEqual([]);
    expect(params).toMatchObject({
      key: 'k1',
      font: 'Noto Sans SC, sans-serif',
      sizePx: 48,
      color: '#fff',
      highlight: '#ff0',
      bg: 'rgba(0,0,0,0.4)',
      position: 'top',
      maxWords: 8,
      leadMs: 80,
      maxLeadMs: 300,
      debug: true,
    });
  });

  it('rejects anything that could inject CSS or markup and keeps defaults', () => {
    const evil = new URLSearchParams({
      color: 'red;background:url(https://evil/x)',
      highlight: 'expression(alert(1))',
      bg: 'url(x)',
      font: 'x;}</style><script>alert(1)</script>',
      size: '40px;color:red',
      position: 'bottom;top:0',
      maxWords: '-1',
    });
    const { params, rejected } = parseOverlayParams(`?${evil}`);
    expect(rejected.sort()).toEqual(['bg', 'color', 'font', 'highlight', 'maxWords', 'position', 'size']);
    expect(params).toMatchObject({ ...DEFAULT_PARAMS, key: '' });
  });

  it('never lets maxLeadMs fall below leadMs', () => {
    expect(parseOverlayParams('?leadMs=500').params.maxLeadMs).toBe(500);
  });

  it('applies a stored style under the URL: URL params win, bad stored values are rejected as style.<name>', () => {
    const style = { size: '60', color: 'red;x:y', position: 'top', showUser: 'true', leadMs: '500', bogus: '1' };
    const { params, rejected } = parseOverlayParams('?key=k&size=30', undefined, style);
    expect(params).toMatchObject({ sizePx: 30, position: 'top', showUser: true, color: DEFAULT_PARAMS.color, leadMs: DEFAULT_PARAMS.leadMs });
    expect(rejected.sort()).toEqual(['style.bogus', 'style.color', 'style.leadMs']);
    expect(parseOverlayParams('?preview=1').params.preview).toBe(true);
  });
});
