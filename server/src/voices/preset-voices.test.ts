import { describe, expect, it } from 'vitest';
import { presetVoices } from './preset-voices.ts';

describe('presetVoices', () => {
  it("knows the presets an engine lists, and nothing else while every engine lists its voices", () => {
    const voices = presetVoices([{ name: 'embedded', voices: () => ['en-us', 'cmn'] }]);
    expect(voices.resolve('cmn')).toEqual({ kind: 'preset', name: 'cmn', engine: 'embedded' });
    expect(voices.resolve('nobody')).toBeUndefined();
  });

  it('takes any name as a preset of an engine that cannot list its voices (its upstream decides)', () => {
    const voices = presetVoices([
      { name: 'cosyvoice', voices: () => [] },
      { name: 'embedded', voices: () => ['en-us'] },
    ]);
    expect(voices.resolve('en-us')).toEqual({ kind: 'preset', name: 'en-us', engine: 'embedded' });
    expect(voices.resolve('longxiaochun_v2')).toEqual({ kind: 'preset', name: 'longxiaochun_v2', engine: 'cosyvoice' });
  });
});
