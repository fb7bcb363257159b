/** The fields of each settings section (paths into the JSON the relay validates; see README: panel settings). */
import type { PanelSettingsSection } from '../../../../server/src/core/protocol.ts';
import type { FieldGroup } from './field-spec.ts';

/** The relay's chat roles (server/src/core/source.ts CHAT_ROLES; browser code takes types only). */
const ROLES = ['broadcaster', 'moderator', 'vip', 'subscriber', 'viewer'] as const;
const CLASSES = [
  ['paid', 'f.classPaid'],
  ['moderator', 'f.classModerator'],
  ['subscriber', 'f.classSubscriber'],
  ['viewer', 'f.classViewer'],
] as const;

/** The datalist the voice field offers: the chosen test engine's voices. */
export const VOICE_LIST_ID = 'voice-names';

export const SECTIONS: Record<PanelSettingsSection, FieldGroup[]> = {
  moderation: [
    {
      label: 'group.links',
      fields: [
        { path: 'links.enabled', label: 'f.linksEnabled', kind: { type: 'bool' } },
        { path: 'links.replacement.en', label: 'f.linkEn', kind: { type: 'text' } },
        { path: 'links.replacement.zh', label: 'f.linkZh', kind: { type: 'text' } },
        { path: 'emotes.stripEmoji', label: 'f.stripEmoji', kind: { type: 'bool' } },
        { path: 'emotes.words', label: 'f.emoteWords', kind: { type: 'lines' } },
      ],
    },
    {
      label: 'group.repeats',
      fields: [
        { path: 'repeats.enabled', label: 'f.repeatsEnabled', kind: { type: 'bool' } },
        { path: 'repeats.maxCharRepeats', label: 'f.maxCharRepeats', kind: { type: 'number', min: 1, max: 20, step: 1 } },
        { path: 'repeats.maxWordRepeats', label: 'f.maxWordRepeats', kind: { type: 'number', min: 1, max: 20, step: 1 } },
      ],
    },
    {
      label: 'group.length',
      fields: [
        {
          path: 'length.maxChars',
          label: 'f.maxChars',
          kind: { type: 'number', min: 1, step: 1 },
          hint: { label: 'hint.maxChars', limit: 'maxTextChars' },
        },
        { path: 'length.maxSpokenSeconds', label: 'f.maxSpokenSeconds', kind: { type: 'number', min: 1, step: 0.5 } },
      ],
    },
    {
      label: 'group.bannedWords',
      fields: [
        { path: 'bannedWords.words', label: 'f.bannedWords', kind: { type: 'lines' } },
        { path: 'bannedWords.action', label: 'f.bannedAction', kind: { type: 'enum', options: ['drop', 'bleep'] } },
      ],
    },
    {
      label: 'group.users',
      fields: [
        { path: 'users.deny', label: 'f.deny', kind: { type: 'lines' }, hint: { label: 'f.denyHint' } },
        { path: 'users.allow', label: 'f.allow', kind: { type: 'lines' } },
        { path: 'users.spokenNames', label: 'f.spokenNames', kind: { type: 'pairs' } },
      ],
    },
    {
      label: 'group.roles',
      fields: [
        { path: 'roles.allowed', label: 'f.rolesAllowed', kind: { type: 'set', options: ROLES } },
        { path: 'roles.bypass', label: 'f.rolesBypass', kind: { type: 'set', options: ROLES } },
        { path: 'roles.paidBypass', label: 'f.paidBypass', kind: { type: 'bool' } },
      ],
    },
    {
      label: 'group.pacing',
      fields: [
        { path: 'cooldownMs', label: 'f.cooldownMs', kind: { type: 'number', min: 0, step: 500 } },
        { path: 'maxQueuedPerUser', label: 'f.maxQueuedPerUser', kind: { type: 'number', min: 0, step: 1 } },
        {
          path: 'duplicates.windowMs',
          label: 'f.duplicateWindowMs',
          kind: { type: 'number', min: 0, step: 1000 },
          hint: { label: 'hint.duplicateWindowMs', limit: 'dedupeWindowMs' },
        },
        { path: 'duplicates.scope', label: 'f.duplicateScope', kind: { type: 'enum', options: ['global', 'user'] } },
      ],
    },
  ],
  queuePolicy: [
    {
      label: 'group.classes',
      fields: CLASSES.map(([name, label]) => ({ path: `classes.${name}`, label, kind: { type: 'number', step: 1 } as const })),
    },
    {
      label: 'group.ttl',
      fields: [
        { path: 'ttlMs', label: 'f.ttlDefault', kind: { type: 'ttl', inherit: false } },
        ...CLASSES.map(([name, label]) => ({ path: `ttlMsByClass.${name}`, label, kind: { type: 'ttl', inherit: true } as const })),
      ],
    },
    { label: 'group.sources', fields: [{ path: 'sourceLimits', label: 'f.sourceLimits', kind: { type: 'limits' } }] },
  ],
  voice: [
    {
      fields: [
        { path: 'voice', label: 'f.voice', kind: { type: 'text', optional: true, datalist: VOICE_LIST_ID } },
        { path: 'rate', label: 'f.rate', kind: { type: 'number', min: 0.5, max: 2, step: 0.05 } },
        { path: 'pitch', label: 'f.pitch', kind: { type: 'number', min: 0.5, max: 2, step: 0.05 } },
        { path: 'volumePercent', label: 'f.volumePercent', kind: { type: 'number', min: 0, max: 200, step: 5 } },
      ],
    },
  ],
  voices: [
    {
      label: 'group.voiceRules',
      fields: [
        { path: 'sources', label: 'f.sourceVoices', kind: { type: 'pairs' } },
        { path: 'paid', label: 'f.paidVoice', kind: { type: 'text', optional: true, datalist: VOICE_LIST_ID } },
        { path: 'rewards', label: 'f.rewardVoices', kind: { type: 'pairs' } },
        { path: 'users', label: 'f.userVoices', kind: { type: 'pairs' } },
        { path: 'perViewer', label: 'f.perViewerVoices', kind: { type: 'lines' } },
      ],
    },
    {
      label: 'group.chatCommand',
      fields: [
        { path: 'chatCommand.enabled', label: 'f.chatCommandEnabled', kind: { type: 'bool' } },
        { path: 'chatCommand.aliases', label: 'f.chatAliases', kind: { type: 'pairs' } },
        { path: 'chatCommand.viewerVoices', label: 'f.viewerVoices', kind: { type: 'lines' } },
        { path: 'chatCommand.moderatorVoices', label: 'f.moderatorVoices', kind: { type: 'lines' } },
      ],
    },
  ],
  obs: [
    {
      fields: [{ path: 'captionDelayMs', label: 'f.captionDelayMs', kind: { type: 'number', optional: true, min: 0, max: 10_000, step: 100 } }],
    },
  ],
  asrVocabulary: [
    { fields: [{ path: 'words', label: 'f.hotWords', kind: { type: 'words' }, hint: { label: 'hint.hotWords' } }] },
  ],
  overlayStyle: [
    {
      fields: [
        { path: 'font', label: 'f.font', kind: { type: 'text', optional: true, placeholder: 'Noto Sans SC, sans-serif' } },
        { path: 'size', label: 'f.size', kind: { type: 'number', optional: true, asString: true } },
        { path: 'color', label: 'f.color', kind: { type: 'text', optional: true, placeholder: '#ffffff' } },
        { path: 'highlight', label: 'f.highlight', kind: { type: 'text', optional: true, placeholder: '#ffd84d' } },
        { path: 'spoken', label: 'f.spoken', kind: { type: 'text', optional: true, placeholder: '#ffffff' } },
        { path: 'bg', label: 'f.bg', kind: { type: 'text', optional: true, placeholder: 'rgba(0, 0, 0, 0.55)' } },
        // The first option is the overlay's default (shown while unset).
        { path: 'position', label: 'f.position', kind: { type: 'enum', options: ['bottom', 'middle', 'top'] } },
        { path: 'align', label: 'f.align', kind: { type: 'enum', options: ['center', 'left', 'right'] } },
        { path: 'maxWords', label: 'f.maxWords', kind: { type: 'number', optional: true, asString: true } },
        { path: 'showUser', label: 'f.showUser', kind: { type: 'bool', asString: true, initial: false } },
        { path: 'shadow', label: 'f.shadow', kind: { type: 'bool', asString: true, initial: true } },
        { path: 'subtitles', label: 'f.subtitles', kind: { type: 'bool', asString: true, initial: true } },
        { path: 'subtitleLines', label: 'f.subtitleLines', kind: { type: 'number', optional: true, asString: true, min: 1, max: 6 } },
        { path: 'subtitleSize', label: 'f.subtitleSize', kind: { type: 'number', optional: true, asString: true } },
        { path: 'subtitleColor', label: 'f.subtitleColor', kind: { type: 'text', optional: true, placeholder: '#ffffff' } },
        { path: 'translation', label: 'f.translation', kind: { type: 'bool', asString: true, initial: true } },
        { path: 'translationSize', label: 'f.translationSize', kind: { type: 'number', optional: true, asString: true } },
        { path: 'translationColor', label: 'f.translationColor', kind: { type: 'text', optional: true, placeholder: '#ffd84d' } },
      ],
    },
  ],
};
