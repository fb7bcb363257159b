import { cutToBudget } from '../../server/src/moderation/speech-duration.ts';
const rates = { zhCharsPerSecond: 4.5, enWordsPerSecond: 2.7 };
const texts = ['this is a darn long message that goes on and on '.repeat(8), '我觉得这个操作非常厉害，大家觉得呢？我们一起来讨论一下这个问题吧，说不定会有新的发现。'.repeat(3)];
for (const t of texts) {
  const t0 = performance.now(); let r = '';
  for (let i = 0; i < 20000; i++) r = cutToBudget(t + i, 200, 20, rates);
  console.log((performance.now() - t0) / 20000 * 1000, 'us', r.length);
}
const seg = new Intl.Segmenter('zh', { granularity: 'word' });
for (const t of texts) {
  const t0 = performance.now(); let n = 0;
  for (let i = 0; i < 20000; i++) { for (const s of seg.segment(t.slice(0, 200) + i)) n++; }
  console.log('segment only', (performance.now() - t0) / 20000 * 1000, 'us', n);
  const t1 = performance.now();
  for (let i = 0; i < 20000; i++) { const it = seg.segment(t.slice(0, 200) + i)[Symbol.iterator](); it.next(); }
  console.log('segment first only', (performance.now() - t1) / 20000 * 1000, 'us');
}
const segEn = new Intl.Segmenter('en', { granularity: 'word' });
const t2 = performance.now(); let n2 = 0;
for (let i = 0; i < 20000; i++) { for (const s of segEn.segment(texts[0]!.slice(0, 200) + i)) n2++; }
console.log('en segmenter on en', (performance.now() - t2) / 20000 * 1000, 'us');
