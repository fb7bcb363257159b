/** One transcript line as a list item: the recognized text, its translation under it (text only, never markup). */
import { h } from './dom.ts';

export interface TranscriptLine {
  id: string;
  text: string;
  final: boolean;
  translation?: { lang: string; text: string };
}

export function transcriptItem(line: TranscriptLine): HTMLLIElement {
  return h(
    'li',
    { class: line.final ? 'final' : 'partial', 'data-id': line.id },
    line.text,
    line.translation ? h('span', { class: 'translation', lang: line.translation.lang }, line.translation.text) : null,
  );
}
