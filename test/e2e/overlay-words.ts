/**
 * The words the overlay page highlights, in order, recorded in the page as the DOM changes
 * (polling from the test could miss a short word on a busy machine).
 */
import type { Page } from 'playwright-core';

/** Starts recording each word that becomes the current one. */
export async function recordHighlightedWords(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __seenWords: string[] };
    w.__seenWords = [];
    new MutationObserver(() => {
      const current = document.querySelector('[data-state="current"]')?.textContent ?? null;
      if (current && w.__seenWords.at(-1) !== current) w.__seenWords.push(current);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

/** The words highlighted since `recordHighlightedWords`. */
export const highlightedWords = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __seenWords: string[] }).__seenWords);
