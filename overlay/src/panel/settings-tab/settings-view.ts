/** The settings tab: one form per section (moderation, queue policy, default voice with its test, overlay style with its preview). */
import type { PanelSettingsSection } from '../../../../server/src/core/protocol.ts';
import { settings$ } from '../connection.ts';
import { byId } from '../../lib/dom.ts';
import { SECTIONS } from './sections.ts';
import { SettingsForm } from './settings-form.ts';
import { StylePreview } from './style-preview.ts';
import { setUpVoiceTest } from './voice-test-view.ts';

export function setUpSettings(): void {
  const preview = new StylePreview();
  const forms = (Object.keys(SECTIONS) as PanelSettingsSection[]).map(
    (section) => new SettingsForm(section, SECTIONS[section], section === 'overlayStyle' ? (draft) => preview.show(draft) : undefined),
  );
  for (const form of forms) byId(`form-${form.section}`).append(form.el);
  const voice = forms.find((f) => f.section === 'voice')!;
  setUpVoiceTest(() => voice.draft().value);
  settings$.subscribe((settings) => {
    if (settings) for (const form of forms) form.fill(settings[form.section]);
  });
}
