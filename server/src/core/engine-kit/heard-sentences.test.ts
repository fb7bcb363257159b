import { describe, expect, it } from 'vitest';
import { HeardSentences } from './heard-sentences.ts';

const word = (text: string, startMs: number, endMs: number) => ({ text, startMs, endMs });

describe('HeardSentences', () => {
  it('counts a sentence heard once the cue of its last word ends within the audio emitted', () => {
    const heard = new HeardSentences('你好，世界。再见！', 1000);
    expect(heard.sentences).toEqual(['你好，世界。', '再见！']);
    heard.addWords([word('你', 0, 10), word('好', 10, 20), word('世', 20, 30), word('界', 30, 40), word('再', 40, 50)]);
    heard.addAudio(30);
    expect(heard.firstUnheard()).toBe(0);
    heard.addAudio(29);
    expect(heard.firstUnheard()).toBe(1);
    expect(heard.resumeAt(1)).toBe('再见！');
    heard.addWords([word('再', 60, 70), word('见', 70, 80)]);
    heard.addAudio(30);
    expect(heard.firstUnheard()).toBe(2);
  });

  it('learns nothing more from cues that do not match the text (resuming earlier never skips text)', () => {
    const heard = new HeardSentences('It costs 5 dollars. Thanks.', 1000);
    heard.addWords([word('It', 0, 10), word('costs', 10, 20), word('five', 20, 30), word('dollars', 30, 40), word('Thanks', 40, 50)]);
    heard.addAudio(100);
    expect(heard.firstUnheard()).toBe(0);
  });
});
