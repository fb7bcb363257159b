/**
 * Voice test: speaks a sample with the chosen engine and the voice form's (unsaved) voice,
 * rate, pitch and volume, and plays it here. Says which speech parameters the chosen engine
 * ignores.
 */
import type { PanelEngineInfo } from '../../../../server/src/core/protocol.ts';
import { init$ } from '../connection.ts';
import { byId, h, setText } from '../../lib/dom.ts';
import { lang$, t, tf } from '../lang.ts';
import { run } from '../notice.ts';
import { playVoiceTest } from '../voice-test-player.ts';
import { VOICE_LIST_ID } from './sections.ts';

const SPEECH_PARAMS = ['rate', 'pitch'] as const;

function selectedEngine(): PanelEngineInfo | undefined {
  const name = byId<HTMLSelectElement>('test-engine').value;
  return init$.value?.engines.find((e) => e.name === name);
}

function renderNote(): void {
  const engine = selectedEngine();
  const ignored = engine ? SPEECH_PARAMS.filter((p) => !engine.speechParams.includes(p)) : [];
  const note = byId('test-note');
  note.hidden = !engine || ignored.length === 0;
  note.dataset.ignored = ignored.join(',');
  setText(note, engine && ignored.length > 0 ? tf('ignoresParams', { engine: engine.name, params: ignored.map((p) => t(`param.${p}`)).join(', ') }) : '');
  byId('voice-names').replaceChildren(...(engine?.voices ?? []).map((v) => h('option', { value: v })));
}

/** `draft` reads the voice form as edited (voice, rate, pitch, volumePercent). */
export function setUpVoiceTest(draft: () => Record<string, unknown>): void {
  const select = byId<HTMLSelectElement>('test-engine');
  const text = byId<HTMLInputElement>('test-text');
  const button = byId<HTMLButtonElement>('test-play');
  const result = byId('test-result');
  if (!document.getElementById(VOICE_LIST_ID)) document.body.append(h('datalist', { id: VOICE_LIST_ID }));
  text.value = t('testSample');
  init$.subscribe((init) => {
    const engines = init?.engines ?? [];
    if (select.options.length === engines.length && engines.every((e, i) => select.options[i]?.value === e.name)) return;
    select.replaceChildren(...engines.map((e) => h('option', { value: e.name }, e.name)));
    renderNote();
  });
  select.addEventListener('change', renderNote);
  lang$.subscribe(renderNote);
  button.addEventListener('click', () =>
    void run(button, async () => {
      const { voice, rate, pitch, volumePercent } = draft();
      const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
      await playVoiceTest(
        {
          engine: select.value,
          text: text.value,
          voice: typeof voice === 'string' ? voice : undefined,
          rate: num(rate),
          pitch: num(pitch),
          volumePercent: num(volumePercent),
        },
        result,
      );
    }),
  );
}
