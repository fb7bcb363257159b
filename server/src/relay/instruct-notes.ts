/**
 * A readout's `instruct` is applied only by engines with 'instruct' in their `speechParams`;
 * one spoken by another engine played without it. This counts those readouts (health, panel)
 * and notes it on the readout (queue item and history).
 */
import type { TtsEngine } from '../core/engine.ts';
import type { Logger } from '../core/logger.ts';
import type { Utterance } from '../core/types.ts';

export interface InstructNotes {
  /** Readout `u` was spoken by the engine named `engineName`. */
  spoken(u: Pick<Utterance, 'id' | 'instruct'>, engineName: string): void;
  /** Readouts since start whose instruction was ignored. */
  ignored(): number;
}

export function noteIgnoredInstructs(o: {
  /** The chain's engines, and the chain (a chain of one speaks under its engine's name). */
  engines: readonly Pick<TtsEngine, 'name' | 'speechParams'>[];
  note: (id: string, note: string) => void;
  log: Logger;
}): InstructNotes {
  let ignored = 0;
  return {
    spoken(u, engineName) {
      if (u.instruct === undefined) return;
      const engine = o.engines.find((e) => e.name === engineName);
      if (engine?.speechParams.includes('instruct')) return;
      ignored += 1;
      o.log.info({ id: u.id, engine: engineName }, 'the engine cannot apply instructions: played without it');
      o.note(u.id, `instruct ignored: ${engineName} cannot apply instructions`);
    },
    ignored: () => ignored,
  };
}
