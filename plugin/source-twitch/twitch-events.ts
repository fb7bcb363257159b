/**
 * Twitch chat IRC messages (with the tags + commands capabilities) → SourceEvents:
 * PRIVMSG (command prefix / all messages / bits / channel-point reward), USERNOTICE
 * sub/resub, CLEARCHAT (ban/timeout) and CLEARMSG (one message deleted).
 */
import { randomUUID } from 'node:crypto';
import { triggeredChatText, type ChatRole, type ChatTriggers, type SourceCaption, type SourceEvent } from '../../server/src/core/source.ts';
import { removeEmoteRanges } from './emote-ranges.ts';
import type { IrcMessage } from './irc-message.ts';

export interface TwitchTriggers extends ChatTriggers {
  /** Cheers of at least this many bits are read (kind 'bits'); null = off. */
  minBits: number | null;
  /** Channel-point custom reward ids whose redemption text is read (kind 'reward'); other redemptions are chat. */
  rewardIds: string[];
  /** Read the message attached to sub/resub notices (kind 'sub'). */
  subs: boolean;
}

export const DEFAULT_TWITCH_TRIGGERS: TwitchTriggers = {
  commandPrefix: '!tts',
  allMessages: false,
  minBits: 100,
  rewardIds: [],
  subs: true,
};

const ACTION = /^\u0001ACTION (.*)\u0001$/su;
/** Cheermotes: a word followed by the bits it cheers ("Cheer100", "BibleThump50"). */
const CHEERMOTE = /(?<!\S)\p{L}+\d+(?!\S)/gu;
const SUB_NOTICES = new Set(['sub', 'resub']);

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
  const text = ACTION.exec(raw)?.[1] ?? raw;
  const withoutEmotes = removeEmoteRanges(text, tags['emotes']);
  if (tags['bits'] === undefined) return withoutEmotes.trim();
  return withoutEmotes.replace(CHEERMOTE, ' ').replace(/\s+/gu, ' ').trim();
}

function caption(msg: IrcMessage, text: string, kind: SourceCaption['kind'], receivedAtMs: number): SourceCaption {
  const tags = msg.tags;
  const userId = tags['user-id'];
  return {
    type: 'caption',
    kind,
    text,
    user: tags['display-name'] || msg.prefixNick || tags['login'] || 'unknown',
    ...(userId ? { userId } : {}),
    roles: rolesFromTags(tags),
    messageId: tags['id'] || randomUUID(),
    source: 'twitch',
    receivedAtMs,
  };
}

function fromPrivmsg(msg: IrcMessage, triggers: TwitchTriggers, receivedAtMs: number): SourceCaption | undefined {
  const text = spokenText(msg.params[1] ?? '', msg.tags);
  if (text === '') return undefined;
  const bits = Number(msg.tags['bits'] ?? 0);
  if (triggers.minBits !== null && bits > 0 && bits >= triggers.minBits) {
    return { ...caption(msg, text, 'bits', receivedAtMs), paidAmount: { value: bits, currency: 'bits' } };
  }
  const rewardId = msg.tags['custom-reward-id'];
  if (rewardId !== undefined && triggers.rewardIds.includes(rewardId)) return { ...caption(msg, text, 'reward', receivedAtMs), rewardId };
  const chatText = triggeredChatText(text, triggers);
  return chatText === undefined ? undefined : caption(msg, chatText, 'chat', receivedAtMs);
}

function fromUsernotice(msg: IrcMessage, triggers: TwitchTriggers, receivedAtMs: number): SourceCaption | undefined {
  if (!triggers.subs || !SUB_NOTICES.has(msg.tags['msg-id'] ?? '')) return undefined;
  const text = spokenText(msg.params[1] ?? '', msg.tags);
  return text === '' ? undefined : caption(msg, text, 'sub', receivedAtMs);
}

/** The event an incoming IRC message stands for, if any. */
export function toSourceEvent(msg: IrcMessage, triggers: TwitchTriggers, receivedAtMs: number): SourceEvent | undefined {
  switch (msg.command) {
    case 'PRIVMSG':
      return fromPrivmsg(msg, triggers, receivedAtMs);
    case 'USERNOTICE':
      return fromUsernotice(msg, triggers, receivedAtMs);
    case 'CLEARCHAT': {
      const user = msg.params[1];
      if (user === undefined) return undefined;
      const userId = msg.tags['target-user-id'];
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
