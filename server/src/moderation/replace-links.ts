/** URLs, bare domains and e-mail addresses are read as one word ("link" / "链接"). */
import { LinkifyIt } from 'linkify-it';
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { mapText, messageLanguage } from './rule-kit.ts';

const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: true });
/** Every link linkify finds has a dot (domain) or a colon (scheme): skip it for the rest. */
const MAY_HOLD_LINK = /[.:]/u;

export function replaceLinks<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  return mapText(ctx, (text, event, s) => {
    if (!s.links.enabled || !MAY_HOLD_LINK.test(text)) return text;
    const links = linkify.match(text);
    if (!links) return text;
    const word = s.links.replacement[messageLanguage(event, text)];
    let out = '';
    let from = 0;
    for (const link of links) {
      out += `${text.slice(from, link.index)} ${word} `;
      from = link.lastIndex;
    }
    return (out + text.slice(from)).replace(/\s+/gu, ' ').trim();
  });
}
