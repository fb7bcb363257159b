/**
 * Twitch chat IRC messages (with the tags + commands capabilities) → SourceEvents:
 * PRIVMSG (command prefix / all messages / bits / channel-point reward), USERNOTICE
 * sub/resub, sub gifts, raids and announcements, CLEARCHAT (ban/timeout) and CLEARMSG (one
 * message deleted). Tag names and msg-ids: https://dev.twitch.tv/docs/chat/irc/#twitch-irc-capabilities
 * (USERNOTICE tags), checked against real lines kept in tmi.js test/events.js and
 * twitch-irc-rs src/message/commands/usernotice.rs.
 */
import { randomUUID } from 'node:crypto';
import { triggeredChatText, type ChatRole, type ChatTriggers, type SourceCaption, type SourceEvent } from '../../server/src/core/source.ts';
import { ChatMemory } from './chat-memory.ts';
import { removeEmoteRanges } from './emote-ranges.ts';
import type { IrcMessage } from './irc-message.ts';

export interface TwitchTriggers extends ChatTriggers {
  /** Cheers of at least this many bits are read (kind 'bits'); null = off. */
  minBits: number | null;
  /** Channel-point custom reward ids whose redemption text is read (kind 'reward'); other redemptions are chat. */
  rewardIds: string[];
  /** Read the message attached to sub/resub notices (kind 'sub'). */
  subs: boolean;
  /** Read sub gifts (kind 'gift', paid): one line per gift, one per community gift bomb. */
  subGifts: boolean;
  /** Read an incoming raid (kind 'raid'). */
  raids: boolean;
  /** Read a moderator's /announce (kind 'announcement'). */
  announcements: boolean;
}

/**
 * Event kinds that EventSub reads while its subscription is enabled (eventsub-events.ts):
 * IRC skips them then, and reads them again as soon as EventSub stops covering them.
 */
export type CoveredKind = 'bits' | 'reward' | 'resub' | 'gift' | 'raid';

/** Whether EventSub reads `kind` right now; without EventSub, nothing is covered. */
export type Coverage = (kind: CoveredKind) => boolean;

const NOTHING_COVERED: Coverage = () => false;

export const DEFAULT_TWITCH_TRIGGERS: TwitchTriggers = {
  commandPrefix: '!tts',
  allMessages: false,
  minBits: 100,
  rewardIds: [],
  subs: true,
  subGifts: true,
  raids: false,
  announcements: true,
};

/** `/me`: CTCP ACTION, possibly empty ("\u0001ACTION\u0001"), the closing \u0001 sometimes missing. */
const ACTION = /^\u0001ACTION(?: (.*?))?\u0001?$/su;
/** Cheermotes: a word followed by the bits it cheers ("Cheer100", "BibleThump50"). */
const CHEERMOTE = /(?<!\S)\p{L}+\d+(?!\S)/gu;

/** A cheer's text without its cheermotes. */
export function withoutCheermotes(text: string): string {
  return text.replace(CHEERMOTE, ' ').replace(/\s+/gu, ' ').trim();
}
const SUB_NOTICES = new Set(['sub', 'resub']);
/** A single gift; `anonsubgift` is the legacy id of an anonymous one. */
const SUB_GIFTS = new Set(['subgift', 'anonsubgift']);
/** A community gift bomb, read once; its per-recipient `subgift` notices share its origin id. */
const GIFT_BOMBS = new Set(['submysterygift', 'anonsubmysterygift']);
/** Twitch's own legacy sender of host notices ("X is now hosting you."): never chat. */
const SYSTEM_SENDERS = new Set(['jtv']);

export function rolesFromTags(tags: Record<string, string>): ChatRole[] {
  const badges = new Set((tags['badges'] ?? '').split(',').map((b) => b.split('/')[0]));
  const roles: ChatRole[] = [];
  if (badges.has('broadcaster')) roles.push('broadcaster');
  if (tags['mod'] === '1' || badges.has('moderator')) roles.push('moderator');
  if (tags['vip'] !== undefined || badges.has('vip')) roles.push('vip');
  if (tags['subscriber'] === '1' || badges.has('subscriber') || badges.has('founder')) roles.push('subscriber');
  roles.push('viewer');
  return roles;
}

function spokenText(raw: string, tags: Record<string, string>): string {
  const action = ACTION.exec(raw);
  const text = action ? (action[1] ?? '') : raw;
  const withoutEmotes = removeEmoteRanges(text, tags['emotes']);
  return tags['bits'] === undefined ? withoutEmotes.trim() : withoutCheermotes(withoutEmotes);
}

/** The chatter's login: the `login` tag of a notice, or the nick of a message's prefix. */
function loginOf(msg: IrcMessage): string | undefined {
  return msg.tags['login'] || (msg.command === 'PRIVMSG' ? msg.prefixNick : undefined) || undefined;
}

function caption(msg: IrcMessage, text: string, kind: SourceCaption['kind'], receivedAtMs: number): SourceCaption {
  const tags = msg.tags;
  const userId = tags['user-id'];
  return {
    type: 'caption',
    kind,
    text,
    user: tags['display-name']?.trim() || loginOf(msg) || 'unknown',
    ...(userId ? { userId } : {}),
    roles: rolesFromTags(tags),
    messageId: tags['id'] || randomUUID(),
    source: 'twitch',
    receivedAtMs,
  };
}

function fromPrivmsg(msg: IrcMessage, triggers: TwitchTriggers, receivedAtMs: number, covered: Coverage): SourceCaption | undefined {
  if (SYSTEM_SENDERS.has(msg.prefixNick?.toLowerCase() ?? '')) return undefined;
  const text = spokenText(msg.params[1] ?? '', msg.tags);
  if (text === '') return undefined;
  const bits = Number(msg.tags['bits'] ?? 0);
  if (bits > 0 && covered('bits')) return undefined;
  if (triggers.minBits !== null && bits > 0 && bits >= triggers.minBits) {
    return { ...caption(msg, text, 'bits', receivedAtMs), paidAmount: { value: bits, currency: 'bits' } };
  }
  const rewardId = msg.tags['custom-reward-id'];
  if (rewardId !== undefined && triggers.rewardIds.includes(rewardId)) {
    return covered('reward') ? undefined : { ...caption(msg, text, 'reward', receivedAtMs), rewardId };
  }
  const chatText = triggeredChatText(text, triggers);
  return chatText === undefined ? undefined : caption(msg, chatText, 'chat', receivedAtMs);
}

/** Text Twitch wrote for a notice ("X gifted a Tier 1 sub to Y!"); `system-msg` is required by the docs, empty on announcements. */
function systemText(msg: IrcMessage): string {
  return (msg.tags['system-msg'] ?? '').replace(/\s+/gu, ' ').trim();
}

function fromUsernotice(
  msg: IrcMessage,
  triggers: TwitchTriggers,
  receivedAtMs: number,
  memory: ChatMemory,
  covered: Coverage,
): SourceCaption | undefined {
  const msgId = msg.tags['msg-id'] ?? '';
  const originId = msg.tags['msg-param-origin-id'];
  if (SUB_NOTICES.has(msgId)) {
    const text = triggers.subs && !(msgId === 'resub' && covered('resub')) ? spokenText(msg.params[1] ?? '', msg.tags) : '';
    return text === '' ? undefined : caption(msg, text, 'sub', receivedAtMs);
  }
  if (GIFT_BOMBS.has(msgId) || SUB_GIFTS.has(msgId)) {
    if (GIFT_BOMBS.has(msgId) && originId) memory.rememberGiftBatch(originId);
    else if (originId && memory.isInGiftBatch(originId)) return undefined; // one recipient of a bomb already read
    const text = triggers.subGifts && !covered('gift') ? systemText(msg) : '';
    return text === '' ? undefined : caption(msg, text, 'gift', receivedAtMs);
  }
  if (msgId === 'raid') {
    const text = triggers.raids && !covered('raid') ? systemText(msg) : '';
    return text === '' ? undefined : caption(msg, text, 'raid', receivedAtMs);
  }
  if (msgId === 'announcement') {
    const text = triggers.announcements ? spokenText(msg.params[1] ?? '', msg.tags) : '';
    return text === '' ? undefined : caption(msg, text, 'announcement', receivedAtMs);
  }
  return undefined;
}

/**
 * The event an incoming IRC message stands for, if any. `memory` carries what earlier lines
 * told (user ids by login, gift bombs); give the same one for every line of a connection.
 * `covered`: the kinds EventSub reads at the moment (skipped here, so none is read twice).
 */
export function toSourceEvent(
  msg: IrcMessage,
  triggers: TwitchTriggers,
  receivedAtMs: number,
  memory: ChatMemory = new ChatMemory(),
  covered: Coverage = NOTHING_COVERED,
): SourceEvent | undefined {
  const login = loginOf(msg);
  const senderId = msg.tags['user-id'];
  if (login && senderId) memory.rememberUser(login, senderId);
  switch (msg.command) {
    case 'PRIVMSG':
      return fromPrivmsg(msg, triggers, receivedAtMs, covered);
    case 'USERNOTICE':
      return fromUsernotice(msg, triggers, receivedAtMs, memory, covered);
    case 'CLEARCHAT': {
      const user = msg.params[1]?.trim();
      if (!user) return undefined;
      // Without tags (an old or minimal server) only the login is named: readouts carry the
      // display name, so match by the id this login was last seen with.
      const userId = msg.tags['target-user-id'] || memory.userIdOf(user);
      return { type: 'clear-user', source: 'twitch', user, ...(userId ? { userId } : {}), receivedAtMs };
    }
    case 'CLEARMSG': {
      const messageId = msg.tags['target-msg-id'];
      return messageId ? { type: 'clear-message', source: 'twitch', messageId, receivedAtMs } : undefined;
    }
    default:
      return undefined;
  }
}
