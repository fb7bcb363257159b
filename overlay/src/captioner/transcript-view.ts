/**
 * The captioner's own transcript: the lines the relay recognized from this feed, newest
 * last. A partial replaces the line with its id in place; at most `maxLines` are kept.
 * Text goes in as text, never as markup.
 */
import type { RecognizedLineMessage } from '../../../server/src/core/audio-ingest.ts';
import { transcriptItem } from '../lib/transcript-item.ts';

export class TranscriptView {
  private readonly rows = new Map<string, HTMLLIElement>();

  constructor(
    private readonly list: HTMLOListElement,
    private readonly empty: HTMLElement,
    private readonly maxLines = 30,
  ) {}

  show(line: RecognizedLineMessage): void {
    const row = transcriptItem(line);
    const old = this.rows.get(line.id);
    if (old) old.replaceWith(row);
    else this.list.append(row);
    this.rows.set(line.id, row);
    while (this.rows.size > this.maxLines) {
      const [oldestId, oldest] = this.rows.entries().next().value as [string, HTMLLIElement];
      oldest.remove();
      this.rows.delete(oldestId);
    }
    this.empty.hidden = true;
    row.scrollIntoView({ block: 'nearest' });
  }

  get lineCount(): number {
    return this.rows.size;
  }
}
