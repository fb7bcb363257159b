import { describe, expect, it } from 'vitest';
import { UtteranceProgress } from './utterance-progress.ts';

const pcm = (samples: number[]) => new Uint8Array(Int16Array.from(samples).buffer);
const samplesOf = (bytes: Uint8Array | undefined) => (bytes ? [...new Int16Array(bytes.slice().buffer)] : []);

describe('UtteranceProgress', () => {
  it('resumes at the first sentence not fully received and trims what was delivered', () => {
    const progress = new UtteranceProgress('One. Two. Three.', 1000);
    progress.beginAttempt();
    expect(samplesOf(progress.takeAudio(pcm([1, 2])))).toEqual([1, 2]);
    progress.completeSentence('One.');
    expect(samplesOf(progress.takeAudio(pcm([3, 4, 5])))).toEqual([3, 4, 5]);
    // dropped mid "Two."
    progress.beginAttempt();
    expect(progress.remainingText()).toBe('Two. Three.');
    expect(progress.toUtteranceMs(0)).toBe(2);
    expect(progress.takeAudio(pcm([3, 4]))).toBeUndefined();
    expect(samplesOf(progress.takeAudio(pcm([5, 6])))).toEqual([6]);
    progress.completeSentence('Two.');
    expect(progress.remainingText()).toBe('Three.');
    expect(progress.emittedSamples).toBe(6);
  });

  it('keeps the old resume point when the upstream rewrote a sentence', () => {
    const progress = new UtteranceProgress('One. Two.', 1000);
    progress.beginAttempt();
    progress.takeAudio(pcm([1]));
    progress.completeSentence('Uno.');
    expect(progress.remainingText()).toBe('One. Two.');
  });

  it('drops words a resumed attempt repeats', () => {
    const progress = new UtteranceProgress('a b', 1000);
    expect(progress.takeWords([{ text: 'a', startMs: 0, endMs: 5 }])).toHaveLength(1);
    expect(progress.takeWords([{ text: 'a', startMs: 0, endMs: 5 }, { text: 'b', startMs: 6, endMs: 9 }])).toEqual([{ text: 'b', startMs: 6, endMs: 9 }]);
  });
});
