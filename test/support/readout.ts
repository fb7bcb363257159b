/** Test helper: a readout taken from the queue (state 'synthesizing'), with the fields a test cares about. */
import type { Utterance } from '../../server/src/core/types.ts';

export function takenReadout(id: string, fields: Partial<Utterance> = {}): Utterance {
  return { id, text: `text ${id}`, user: 'ann', source: 'http', priority: 0, receivedAtMs: 0, state: 'synthesizing', updatedAtMs: 0, ...fields };
}
