/** Keyboard shortcuts: S = skip current, P = pause/resume — not while typing, not with modifiers, not under a dialog. */

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (TYPING.has(el.tagName) || el.isContentEditable);
}

export function setUpShortcuts(actions: { skipCurrent(): void; togglePause(): void }, enabled: () => boolean): void {
  document.addEventListener('keydown', (ev) => {
    if (!enabled() || ev.repeat || ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev.target)) return;
    if (document.querySelector('dialog[open]')) return;
    const key = ev.key.toLowerCase();
    if (key === 's') actions.skipCurrent();
    else if (key === 'p') actions.togglePause();
    else return;
    ev.preventDefault();
  });
}
