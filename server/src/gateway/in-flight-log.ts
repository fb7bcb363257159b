import { isSubtitleEvent, type OverlayEvent, type UtteranceEvent } from '../core/protocol.ts';

/**
 * The events of utterances that have not finished playing, kept so an overlay that
 * (re)connects mid-utterance can be brought up to date. Bounded: at most `maxUtterances`
 * utterances (the limiter's in-flight bound) and `maxEventsPerUtterance` events each;
 * past that the oldest utterance is forgotten.
 */
export class InFlightLog {
  private readonly byId = new Map<string, UtteranceEvent[]>();

  constructor(
    private readonly maxUtterances: number,
    private readonly maxEventsPerUtterance = 20_000,
  ) {}

  record(event: OverlayEvent): void {
    if (isSubtitleEvent(event)) return; // not utterances
    const { id } = event.data;
    if (event.type === 'utterance:cancel') {
      this.byId.delete(id);
      return;
    }
    let events = this.byId.get(id);
    if (!events) {
      if (event.type !== 'utterance:start') return; // a late event of a forgotten utterance
      events = [];
      this.byId.set(id, events);
      while (this.byId.size > this.maxUtterances) this.byId.delete(this.byId.keys().next().value!);
    }
    if (events.length < this.maxEventsPerUtterance) events.push(event);
  }

  finish(id: string): void {
    this.byId.delete(id);
  }

  /** Every recorded event, utterance by utterance in start order. */
  replay(): UtteranceEvent[] {
    return [...this.byId.values()].flat();
  }
}
