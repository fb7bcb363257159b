/** One status line for command results and errors (role=status; errors also role=alert). */
import { ApiError } from './api.ts';
import { byId } from '../lib/dom.ts';
import { PanelCommandError } from './connection.ts';
import { t } from './lang.ts';

const el = (): HTMLElement => byId('notice');
let clearTimer: ReturnType<typeof setTimeout> | undefined;

export function notify(text: string, kind: 'ok' | 'bad' = 'ok'): void {
  const notice = el();
  clearTimeout(clearTimer);
  notice.textContent = text;
  notice.dataset.kind = kind;
  notice.setAttribute('role', kind === 'bad' ? 'alert' : 'status');
  notice.hidden = false;
  clearTimer = setTimeout(() => (notice.hidden = true), kind === 'bad' ? 8_000 : 3_000);
}

/** An error as the panel says it: a timeout in words, a refusal (socket command or HTTP API) with its code. */
export function describeError(err: unknown): string {
  if (err instanceof PanelCommandError) return err.code === 'timeout' ? t('timeout') : `${err.message} (${err.code})`;
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

/** Runs a command from a button: disabled while it runs, errors go to the notice line. */
export async function run<T>(button: HTMLButtonElement | null, action: () => Promise<T>): Promise<T | undefined> {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (err) {
    notify(describeError(err), 'bad');
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}
