/**
 * The Voices tab: the voice library (`/api/voices`) — the streamer's cloned voices and every
 * engine's presets, each testable with any text — and the form that clones a new voice from
 * a sample recorded here or uploaded.
 */
import type { VoiceInfo } from '../../../../server/src/core/voices.ts';
import { byId, setText } from '../../lib/dom.ts';
import { lang$, t } from '../lang.ts';
import { describeError } from '../notice.ts';
import { renderVoices, type VoiceListActions } from './voice-list.ts';
import { VoiceForm } from './voice-form.ts';
import { listVoices } from './voices-api.ts';

let voices: VoiceInfo[] = [];

/** Sets the tab up; returns what reloads the list (when the tab is shown). */
export function setUpVoices(): () => Promise<void> {
  const testText = byId<HTMLInputElement>('voices-test-text');
  const status = byId('voices-status');
  const actions: VoiceListActions = {
    testText: () => testText.value.trim() || t('testSample'),
    deleted: () => void refresh(),
  };
  async function refresh(): Promise<void> {
    try {
      voices = await listVoices();
      status.hidden = true;
    } catch (err) {
      setText(status, `${t('voices.loadFailed')}: ${describeError(err)}`);
      status.hidden = false;
    }
    renderVoices(voices, actions);
  }
  testText.value = t('testSample');
  new VoiceForm(() => void refresh());
  lang$.subscribe(() => renderVoices(voices, actions));
  return refresh;
}
