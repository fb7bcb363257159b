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
const res: Record<string, RegExp> = {
  unit: /(\S{1,4}?)\1{3,}/gu,
  unitNoU: /(\S{1,4}?)\1{3,}/g,
  word: /(?<![\p{L}\p{N}])([\p{L}\p{N}]+)(?:[\s,，、]+\1(?![\p{L}\p{N}])){2,}/giu,
  wordAlt: /([\p{L}\p{N}]+)(?:[\s,，、]+\1(?![\p{L}\p{N}])){2,}/giu,
  links: /[.:]/u,
  notword: /[^\p{L}\p{N}]+/gu,
};
for (const [name, re] of Object.entries(res)) {
  const t0 = performance.now();
  for (let i = 0; i < 100000; i++) { re.lastIndex = 0; TEXTS[i % 12]!.replace(re, 'x'); }
  console.log(name.padEnd(10), ((performance.now() - t0) / 100000 * 1000).toFixed(2), 'us');
}
