const TEXTS = [
  'hello everyone, how is the stream going today?',
  '主播好！今天玩什么游戏呀',
  'check out my channel at https://example.com/promo?ref=123',
  'loooooooooool 😂😂😂😂😂😂',
  '哈哈哈哈哈哈哈哈哈哈哈哈',
  'KEKW KEKW KEKW that was insane',
  'this is a darn long message that goes on and on '.repeat(8),
  '我觉得这个操作非常厉害，大家觉得呢？我们一起来讨论一下这个问题吧，说不定会有新的发现。'.repeat(3),
  '@streamer can you play the other song next',
  'gg gg gg gg gg',
  '1000000 bits when',
  'mixed 中文 and English 一起说',
];
/** Whether some unit of 1..maxUnit code units appears more than `repeats` times in a row. */
function hasRun(text: string, repeats: number, maxUnit: number): boolean {
  for (let k = 1; k <= maxUnit; k++) {
    const need = repeats * k;
    let run = 0;
    for (let i = 0; i + k < text.length; i++) {
      if (text.charCodeAt(i) === text.charCodeAt(i + k)) { if (++run >= need) return true; }
      else run = 0;
    }
  }
  return false;
}
let n = 0;
const t0 = performance.now();
for (let i = 0; i < 200000; i++) if (hasRun(TEXTS[i % 12]!, 3, 8)) n++;
console.log(((performance.now() - t0) / 200000 * 1000).toFixed(2), 'us', n / 200000);
const re = /(\S{1,4}?)\1{3,}/u; let m = 0;
const t1 = performance.now();
for (let i = 0; i < 200000; i++) if (re.test(TEXTS[i % 12]!)) m++;
console.log(((performance.now() - t1) / 200000 * 1000).toFixed(2), 'us', m / 200000);
