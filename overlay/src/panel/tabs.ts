/** The panel's tabs: live, health, history, voices, settings. */
import { byId } from '../lib/dom.ts';

export type TabName = 'live' | 'health' | 'history' | 'voices' | 'settings';

export function setUpTabs(onShow: (tab: TabName) => void): void {
  const buttons = [...byId('tabs').querySelectorAll<HTMLButtonElement>('button[data-tab]')];
  for (const button of buttons) {
    button.addEventListener('click', () => {
      const tab = button.dataset.tab as TabName;
      for (const b of buttons) b.setAttribute('aria-selected', String(b === button));
      for (const b of buttons) byId(`tab-${b.dataset.tab}`).hidden = b !== button;
      onShow(tab);
    });
  }
}
