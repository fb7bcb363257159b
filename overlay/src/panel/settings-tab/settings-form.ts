/**
 * One settings section as a form built from field specs: filled from the relay's pushes
 * (unless being edited), saved with `settings:save`; a problem is shown next to its field
 * (client-side reading) or from the relay's error, whose message starts with the field path.
 */
import type { CaptionLimits, PanelSettingsSection } from '../../../../server/src/core/protocol.ts';
import { command, init$ } from '../connection.ts';
import { h, setText } from '../../lib/dom.ts';
import { labelled, labelledOr, t } from '../lang.ts';
import { describeError } from '../notice.ts';
import { formatField, getPath, parseField, setPath, type ControlValue, type FieldGroup, type FieldSpec } from './field-spec.ts';

interface Field {
  spec: FieldSpec;
  box: HTMLElement;
  error: HTMLElement;
  read(): ControlValue;
  write(value: ControlValue): void;
}

let nextId = 0;

function control(spec: FieldSpec): Pick<Field, 'read' | 'write'> & { node: HTMLElement; id: string } {
  const id = `f${nextId++}`;
  const { kind } = spec;
  switch (kind.type) {
    case 'bool': {
      const input = h('input', { id, type: 'checkbox', name: spec.path });
      return { node: input, id, read: () => input.checked, write: (v) => (input.checked = v === true) };
    }
    case 'set': {
      const boxes = kind.options.map((option) => h('input', { type: 'checkbox', value: option, name: spec.path }));
      const node = h('span', { id, class: 'set' }, ...boxes.map((b) => h('label', { class: 'inline' }, b, ' ', labelledOr('span', `opt.${b.value}`, b.value))));
      return {
        node,
        id,
        read: () => boxes.filter((b) => b.checked).map((b) => b.value),
        write: (v) => boxes.forEach((b) => (b.checked = Array.isArray(v) && v.includes(b.value))),
      };
    }
    case 'enum': {
      const select = h('select', { id, name: spec.path }, ...kind.options.map((o) => labelledOr('option', `opt.${o}`, o, { value: o })));
      return { node: select, id, read: () => select.value, write: (v) => (select.value = String(v)) };
    }
    case 'lines':
    case 'pairs':
    case 'limits':
    case 'words': {
      const area = h('textarea', { id, name: spec.path, rows: 3, spellcheck: false });
      return { node: area, id, read: () => area.value, write: (v) => (area.value = String(v)) };
    }
    default: {
      const numeric = kind.type === 'number' || kind.type === 'ttl';
      const input = h('input', {
        id,
        name: spec.path,
        type: kind.type === 'number' && !kind.asString ? 'number' : 'text',
        inputmode: numeric ? 'decimal' : undefined,
        min: kind.type === 'number' ? kind.min : undefined,
        max: kind.type === 'number' ? kind.max : undefined,
        step: kind.type === 'number' ? (kind.step ?? 'any') : undefined,
        list: kind.type === 'text' ? kind.datalist : undefined,
        placeholder: kind.type === 'text' ? kind.placeholder : kind.type === 'ttl' ? 'ms / never' : undefined,
        spellcheck: false,
        autocomplete: 'off',
      });
      return { node: input, id, read: () => input.value, write: (v) => (input.value = String(v)) };
    }
  }
}

export class SettingsForm {
  readonly el: HTMLFormElement;
  private readonly fields: Field[] = [];
  private readonly status = h('p', { class: 'form-status', role: 'status' });
  private base: Record<string, unknown> = {};
  private dirty = false;

  constructor(
    readonly section: PanelSettingsSection,
    groups: FieldGroup[],
    private readonly onDraft: (draft: Record<string, unknown>) => void = () => {},
  ) {
    const save = labelled('button', 'save', { type: 'submit' });
    this.el = h(
      'form',
      { class: 'settings-form', 'data-section': section, novalidate: true },
      ...groups.map((group) =>
        h('fieldset', {}, group.label ? labelled('legend', group.label) : null, ...group.fields.map((spec) => this.field(spec))),
      ),
      h('div', { class: 'row end' }, this.status, save),
    );
    this.el.addEventListener('input', () => {
      this.dirty = true;
      this.showStatus('dirty', '');
      this.onDraft(this.draft().value);
    });
    this.el.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.save(save);
    });
  }

  /** The relay's current value: shown unless the form holds unsaved edits. */
  fill(value: Record<string, unknown>): void {
    this.base = value;
    if (this.dirty) return;
    for (const f of this.fields) f.write(formatField(f.spec.kind, getPath(value, f.spec.path)));
    this.onDraft(this.draft().value);
  }

  /** The section as edited: the last value from the relay with every field applied. */
  draft(): { value: Record<string, unknown>; invalid: Field[] } {
    const value = structuredClone(this.base);
    const invalid: Field[] = [];
    for (const f of this.fields) {
      const parsed = parseField(f.spec.kind, f.read());
      if ('error' in parsed) {
        invalid.push(f);
        this.markError(f, t(parsed.error));
      } else {
        this.markError(f, '');
        setPath(value, f.spec.path, parsed);
      }
    }
    return { value, invalid };
  }

  private field(spec: FieldSpec): HTMLElement {
    const { node, id, read, write } = control(spec);
    const error = h('span', { class: 'field-error', role: 'alert' });
    const box = h(
      'div',
      { class: `field ${spec.kind.type}`, 'data-path': spec.path },
      labelled('label', spec.label, { for: id }),
      node,
      error,
      spec.hint ? fieldHint(spec.hint) : null,
    );
    this.fields.push({ spec, box, error, read, write });
    return box;
  }

  private markError(field: Field, message: string): void {
    setText(field.error, message);
    field.box.classList.toggle('invalid', message !== '');
  }

  private showStatus(key: 'saved' | 'dirty' | null, text: string, bad = false): void {
    this.status.textContent = key ? t(key) : text;
    if (key) this.status.dataset.i18n = key;
    else delete this.status.dataset.i18n;
    this.status.classList.toggle('bad', bad);
  }

  private async save(button: HTMLButtonElement): Promise<void> {
    const { value, invalid } = this.draft();
    if (invalid.length > 0) {
      this.showStatus(null, `${t(invalid[0]!.spec.label)}: ${invalid[0]!.error.textContent}`, true);
      return;
    }
    button.disabled = true;
    try {
      const saved = await command('settings:save', { section: this.section, value });
      this.dirty = false;
      this.fill(saved.value);
      this.showStatus('saved', '');
    } catch (err) {
      const message = describeError(err);
      this.showStatus(null, message, true);
      // The relay's message starts with the path of the refused value ("length.maxChars: …").
      const path = message.split(':')[0]!;
      const field = this.fields.find((f) => path === f.spec.path || path.startsWith(`${f.spec.path}.`));
      if (field) this.markError(field, message);
    } finally {
      button.disabled = false;
    }
  }
}

const LIMIT_SETTINGS: Record<keyof CaptionLimits, string> = { maxTextChars: 'RELAY_MAX_TEXT_CHARS', dedupeWindowMs: 'RELAY_DEDUPE_WINDOW_MS' };

/** The hint under a field: what it applies to (translated) and the relay's own limit beside it, with its value. */
function fieldHint(hint: NonNullable<FieldSpec['hint']>): HTMLElement {
  const limit = hint.limit;
  const value = h('span', { class: 'limit' });
  if (limit) init$.subscribe((init) => setText(value, init ? ` ${LIMIT_SETTINGS[limit]} = ${init.limits[limit]}` : ''));
  return h('small', { class: 'hint', 'data-hint-for': hint.label }, labelled('span', hint.label), value);
}
