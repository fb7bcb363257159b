import { describe, expect, it } from 'vitest';
import { replaceLinks } from './replace-links.ts';
import { chat, ruleHarness } from './rule-test-kit.ts';

const texts = (h: ReturnType<typeof ruleHarness>, input: string[]): string[] =>
  h.run(replaceLinks, input.map((t) => chat(t))).map((e) => e.text);

describe('replaceLinks', () => {
  it('replaces URLs, bare domains and e-mail addresses with "link"', () => {
    expect(
      texts(ruleHarness(), [
        'check https://example.com/a?b=1 now',
        'go to bit.ly/abc!',
        'twitch.tv/foo and www.youtube.com/watch?v=x',
        'mail me@example.org',
      ]),
    ).toEqual(['check link now', 'go to link !', 'link and link', 'mail link']);
  });

  it('says "链接" in Chinese messages, or per the message language', () => {
    expect(texts(ruleHarness(), ['看这个 www.bilibili.com/video/BV1 哈哈'])).toEqual(['看这个 链接 哈哈']);
    const h = ruleHarness();
    expect(h.run(replaceLinks, [chat('see example.cn', { lang: 'zh-CN' })])[0]!.text).toBe('see 链接');
  });

  it('leaves ordinary text, versions and file names alone', () => {
    expect(texts(ruleHarness(), ['version 1.2.3 is out', 'open file.txt', 'time: 10:30'])).toEqual([
      'version 1.2.3 is out',
      'open file.txt',
      'time: 10:30',
    ]);
  });

  it('uses the configured word, or does nothing when disabled', () => {
    expect(texts(ruleHarness({ links: { replacement: { en: 'a link', zh: '网址' } } }), ['x https://a.io y'])).toEqual(['x a link y']);
    expect(texts(ruleHarness({ links: { enabled: false } }), ['x https://a.io y'])).toEqual(['x https://a.io y']);
  });
});
