import { describe, expect, it } from 'vitest';
import { planSegments, resolveVoice, voiceForLang, voiceNames } from './voices.ts';

const known = voiceNames(['sit/cmn', 'sit/yue', 'gmw/en', 'gmw/en-US', 'roa/fr', 'gmw/de']);

describe('voiceNames / resolveVoice / voiceForLang', () => {
  it('names voices by the last part of their identifier, lower case', () => {
    expect([...known]).toEqual(['cmn', 'yue', 'en', 'en-us', 'fr', 'de']);
  });

  it('resolves only voices eSpeak has', () => {
    expect(resolveVoice('en-US', known)).toBe('en-us');
    expect(resolveVoice('gmw/en-US', known)).toBe('en-us');
    expect(resolveVoice('longxiaochun_v2', known)).toBeUndefined();
  });

  it('maps language tags to voices', () => {
    expect(voiceForLang('zh', known)).toBe('cmn');
    expect(voiceForLang('zh-CN', known)).toBe('cmn');
    expect(voiceForLang('yue', known)).toBe('yue');
    expect(voiceForLang('en', known)).toBe('en-us');
    expect(voiceForLang('en_GB', known)).toBe('en-us');
    expect(voiceForLang('fr-FR', known)).toBe('fr');
    expect(voiceForLang('xx', known)).toBeUndefined();
  });
});

describe('planSegments', () => {
  it('picks cmn for Han and en-us for Latin, sentence by sentence', () => {
    expect(planSegments('你好，欢迎来到直播间！Thanks for the follow. 我喜欢Minecraft。', {}, known)).toEqual([
      { text: '你好，欢迎来到直播间！', voice: 'cmn' },
      { text: 'Thanks for the follow.', voice: 'en-us' },
      { text: '我喜欢', voice: 'cmn' },
      { text: 'Minecraft。', voice: 'en-us' },
    ]);
  });

  it('lets a voice override the whole text, merging runs within a sentence', () => {
    expect(planSegments('我喜欢 Minecraft 游戏。Yes!', { voice: 'en-us' }, known)).toEqual([
      { text: '我喜欢 Minecraft 游戏。', voice: 'en-us' },
      { text: 'Yes!', voice: 'en-us' },
    ]);
  });

  it('uses the lang hint for its script and for text with neither script', () => {
    expect(planSegments('Bonjour 你好', { lang: 'fr' }, known)).toEqual([
      { text: 'Bonjour', voice: 'fr' },
      { text: '你好', voice: 'cmn' },
    ]);
    expect(planSegments('123', { lang: 'zh' }, known)).toEqual([{ text: '123', voice: 'cmn' }]);
    expect(planSegments('你好 hello', { lang: 'yue' }, known)).toEqual([
      { text: '你好', voice: 'yue' },
      { text: 'hello', voice: 'en-us' },
    ]);
  });

  it('reads text with neither script in Chinese only when the text has Han', () => {
    expect(planSegments('123', {}, known)).toEqual([{ text: '123', voice: 'en-us' }]);
    expect(planSegments('你好。123!', {}, known)).toEqual([
      { text: '你好。', voice: 'cmn' },
      { text: '123!', voice: 'cmn' },
    ]);
  });
});
