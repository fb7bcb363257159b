import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import { noteIgnoredInstructs } from './instruct-notes.ts';

describe('noteIgnoredInstructs', () => {
  const engines = [
    { name: 'cosyvoice-selfhost', speechParams: ['instruct'] as const },
    { name: 'embedded', speechParams: ['rate', 'pitch'] as const },
  ];

  it('counts and notes a readout whose instruction the engine that spoke it cannot apply; nothing otherwise', () => {
    const notes: [string, string][] = [];
    const instructs = noteIgnoredInstructs({ engines, note: (id, note) => notes.push([id, note]), log: silentLogger });
    instructs.spoken({ id: 'a', instruct: '用开心的语气说' }, 'cosyvoice-selfhost');
    instructs.spoken({ id: 'b' }, 'embedded');
    instructs.spoken({ id: 'c', instruct: '用四川话说' }, 'embedded');
    expect(instructs.ignored()).toBe(1);
    expect(notes).toEqual([['c', 'instruct ignored: embedded cannot apply instructions']]);
  });
});
