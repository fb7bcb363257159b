/**
 * The Voices tab's list: the streamer's cloned voices, then each engine's presets (folded),
 * each with a test button (speaks the test text with that voice); clones can be deleted
 * (a second click confirms). Names and transcripts go in as text.
 */
import type { VoiceInfo } from '../../../../server/src/core/voices.ts';
import { byId, h } from '../../lib/dom.ts';
import { formatClock } from '../format.ts';
import { labelled, t } from '../lang.ts';
import { notify, run } from '../notice.ts';
import { playVoiceTest } from '../voice-test-player.ts';
import { deleteVoice } from './voices-api.ts';

const CONFIRM_WINDOW_MS = 4_000;

export interface VoiceListActions {
  /** The text a test speaks. */
  testText(): string;
  /** After a voice was deleted. */
  deleted(): void;
}

function testButton(voice: VoiceInfo, actions: VoiceListActions): HTMLButtonElement {
  const button = labelled('button', 'voices.test', { type: 'button', class: 'ghost small test' });
  button.addEventListener('click', () =>
    void run(button, async () => {
      const result = byId('voices-test-result');
      result.dataset.voice = voice.id;
      await playVoiceTest({ engine: voice.engine, text: actions.testText(), voice: voice.id }, result);
    }),
  );
  return button;
}

function deleteButton(voice: VoiceInfo, actions: VoiceListActions): HTMLButtonElement {
  const button = labelled('button', 'voices.delete', { type: 'button', class: 'danger small delete' });
  let armed: ReturnType<typeof setTimeout> | undefined;
  const disarm = () => {
    clearTimeout(armed);
    armed = undefined;
    button.textContent = t('voices.delete');
    button.dataset.i18n = 'voices.delete';
  };
  button.addEventListener('click', () => {
    if (armed === undefined) {
      button.textContent = t('voices.confirmDelete');
      button.dataset.i18n = 'voices.confirmDelete';
      armed = setTimeout(disarm, CONFIRM_WINDOW_MS);
      return;
    }
    disarm();
    void run(button, async () => {
      await deleteVoice(voice.id);
      notify(`${t('voices.deleted')}: ${voice.name}`);
      actions.deleted();
    });
  });
  return button;
}

function row(voice: VoiceInfo, actions: VoiceListActions): HTMLElement {
  const meta = [voice.engine, voice.language, voice.kind === 'clone' ? formatClock(voice.createdAtMs) : undefined].filter(Boolean).join(' · ');
  return h(
    'li',
    { 'data-voice-id': voice.id, 'data-kind': voice.kind, 'data-engine': voice.engine },
    h('span', { class: 'meta' }, h('span', { class: 'name' }, voice.name), h('span', { class: 'source' }, meta)),
    voice.promptText ? h('span', { class: 'text' }, voice.promptText) : null,
    voice.unavailable ? h('span', { class: 'reason' }, voice.unavailable) : null,
    h('span', { class: 'actions' }, testButton(voice, actions), voice.kind === 'clone' && deleteButton(voice, actions)),
  );
}

/** Renders `voices` into #voices-list: clones first, then one folded list of presets per engine. */
export function renderVoices(voices: readonly VoiceInfo[], actions: VoiceListActions): void {
  const clones = voices.filter((v) => v.kind === 'clone');
  const presetsByEngine = new Map<string, VoiceInfo[]>();
  for (const voice of voices) if (voice.kind === 'preset') presetsByEngine.set(voice.engine, [...(presetsByEngine.get(voice.engine) ?? []), voice]);
  byId('voices-clones').replaceChildren(...clones.map((v) => row(v, actions)));
  byId('voices-clones-empty').hidden = clones.length > 0;
  byId('voices-presets').replaceChildren(
    ...[...presetsByEngine].map(([engine, presets]) =>
      h(
        'details',
        { class: 'presets', 'data-engine': engine },
        h('summary', {}, `${engine} (${presets.length})`),
        h('ul', { class: 'queue voices' }, ...presets.map((v) => row(v, actions))),
      ),
    ),
  );
}
