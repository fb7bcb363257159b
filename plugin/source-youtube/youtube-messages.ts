/**
 * YouTube liveChatMessage resources (Data API v3, `part=id,snippet,authorDetails`) → SourceEvents.
 * Field meanings: https://developers.google.com/youtube/v3/live/docs/liveChatMessages (resource
 * representation). Each `snippet.type`, decided:
 *
 * | snippet.type | what the relay does |
 * | --- | --- |
 * | textMessageEvent | chat: read by the command prefix or when reading all (kind 'chat') |
 * | superChatEvent | read when worth at least minSuperChatUsd (kind 'superchat', paid; its comment, else "<name> sent a Super Chat"); under it, chat rules |
 * | superStickerEvent | "<name> sent a Super Sticker: <alt text>" at minSuperChatUsd (kind 'superchat', paid; `giftName` = sticker id) |
 * | newSponsorEvent | a new member or an upgrade, when `memberships` (kind 'sub'; `giftName` = level) |
 * | memberMilestoneChatEvent | the milestone's comment, when `milestones` (kind 'sub') |
 * | membershipGiftingEvent | "<name> gifted N memberships", when `giftMemberships` (kind 'gift') |
 * | giftMembershipReceivedEvent | "<name> received a gift membership", when `giftReceived` (kind 'sub'; off by default: the gift was read already) |
 * | messageDeletedEvent | clear-message `deletedMessageId` |
 * | userBannedEvent | clear-user `bannedUserDetails.channelId` (permanent and temporary bans alike) |
 * | chatEndedEvent | the chat ended: the source stops reading it (youtube-source.ts) |
 * | tombstone, pollEvent, sponsorOnlyMode*, fanFundingEvent (retired) | ignored |
 */
import { triggeredChatText, type ChatRole, type ChatTriggers, type PaidAmount, type SourceCaption, type SourceEvent } from '../../server/src/core/source.ts';
import { toReferenceAmount } from './currency-rates.ts';

export interface YouTubeTriggers extends ChatTriggers {
  /** Super Chats and Super Stickers worth at least this many US dollars are read as paid; null = off. */
  minSuperChatUsd: number | null;
  /** Read new members and upgrades (newSponsorEvent). */
  memberships: boolean;
  /** Read membership milestone messages (memberMilestoneChatEvent). */
  milestones: boolean;
  /** Read membership gifts (membershipGiftingEvent). */
  giftMemberships: boolean;
  /** Read each recipient of a gift (giftMembershipReceivedEvent). */
  giftReceived: boolean;
}

export const DEFAULT_YOUTUBE_TRIGGERS: YouTubeTriggers = {
  commandPrefix: '!tts',
  allMessages: false,
  minSuperChatUsd: 1,
  memberships: true,
  milestones: true,
  giftMemberships: true,
  giftReceived: false,
};

/** The parts of a liveChatMessage the relay reads (every field may be missing on odd input). */
export interface LiveChatMessage {
  id?: string;
  snippet?: {
    type?: string;
    authorChannelId?: string;
    displayMessage?: string;
    textMessageDetails?: { messageText?: string };
    superChatDetails?: { amountMicros?: string | number; currency?: string; amountDisplayString?: string; userComment?: string };
    superStickerDetails?: {
      amountMicros?: string | number;
      currency?: string;
      superStickerMetadata?: { stickerId?: string; altText?: string };
    };
    newSponsorDetails?: { memberLevelName?: string; isUpgrade?: boolean };
    memberMilestoneChatDetails?: { userComment?: string; memberMonth?: number; memberLevelName?: string };
    membershipGiftingDetails?: { giftMembershipsCount?: number; giftMembershipsLevelName?: string };
    giftMembershipReceivedDetails?: { memberLevelName?: string };
    messageDeletedDetails?: { deletedMessageId?: string };
    userBannedDetails?: { bannedUserDetails?: { channelId?: string; displayName?: string }; banType?: string };
  };
  authorDetails?: {
    channelId?: string;
    displayName?: string;
    isChatOwner?: boolean;
    isChatModerator?: boolean;
    isChatSponsor?: boolean;
  };
}

/** YouTube's own emoji arrive in the text as shortcodes (":face-blue-smiling:"): never read aloud. */
const EMOJI_SHORTCODE = /:[a-z0-9_-]+:/giu;

function spoken(text: string | undefined): string {
  return (text ?? '').replace(EMOJI_SHORTCODE, ' ').replace(/\s+/gu, ' ').trim();
}

function roles(author: LiveChatMessage['authorDetails']): ChatRole[] {
  const out: ChatRole[] = [];
  if (author?.isChatOwner) out.push('broadcaster');
  if (author?.isChatModerator) out.push('moderator');
  if (author?.isChatSponsor) out.push('subscriber');
  out.push('viewer');
  return out;
}

function micros(value: string | number | undefined): number {
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Whether a paid amount reaches the threshold (a currency without a rate always does). */
function reaches(amountMicros: number, currency: string, minUsd: number | null): boolean {
  if (minUsd === null) return false;
  const usd = toReferenceAmount(amountMicros, currency);
  return usd === undefined || usd >= minUsd;
}

/** A Super Chat's or Super Sticker's amount, when there is one and it reaches the threshold. */
function paidAtLeast(details: { amountMicros?: string | number; currency?: string }, minUsd: number | null): PaidAmount | undefined {
  const amount = micros(details.amountMicros);
  const currency = details.currency ?? '';
  return amount > 0 && reaches(amount, currency, minUsd) ? { value: amount / 1_000_000, currency } : undefined;
}

export interface MessageContext {
  triggers: YouTubeTriggers;
  receivedAtMs: number;
}

/** The event a liveChatMessage stands for, if any ('chat-ended' for chatEndedEvent). */
export function toSourceEvent(message: LiveChatMessage, context: MessageContext): SourceEvent | 'chat-ended' | undefined {
  const snippet = message.snippet;
  const { triggers, receivedAtMs } = context;
  if (!snippet || typeof message.id !== 'string') return undefined;
  const author = message.authorDetails;
  const user = author?.displayName?.trim() || 'unknown';
  const userId = author?.channelId || snippet.authorChannelId;
  const caption = (kind: SourceCaption['kind'], text: string, extra: Partial<SourceCaption> = {}): SourceCaption | undefined =>
    text === ''
      ? undefined
      : {
          type: 'caption',
          kind,
          text,
          user,
          ...(userId ? { userId } : {}),
          roles: roles(author),
          messageId: message.id!,
          source: 'youtube',
          receivedAtMs,
          ...extra,
        };
  const chat = (raw: string | undefined): SourceCaption | undefined => {
    const text = triggeredChatText(spoken(raw), triggers);
    return text === undefined ? undefined : caption('chat', text);
  };

  switch (snippet.type) {
    case 'textMessageEvent':
      return chat(snippet.textMessageDetails?.messageText ?? snippet.displayMessage);
    case 'superChatEvent': {
      const d = snippet.superChatDetails ?? {};
      const paidAmount = paidAtLeast(d, triggers.minSuperChatUsd);
      return paidAmount ? caption('superchat', spoken(d.userComment) || `${user} sent a Super Chat`, { paidAmount }) : chat(d.userComment);
    }
    case 'superStickerEvent': {
      const d = snippet.superStickerDetails ?? {};
      const paidAmount = paidAtLeast(d, triggers.minSuperChatUsd);
      if (!paidAmount) return undefined;
      const alt = spoken(d.superStickerMetadata?.altText);
      const stickerId = d.superStickerMetadata?.stickerId;
      return caption('superchat', alt ? `${user} sent a Super Sticker: ${alt}` : `${user} sent a Super Sticker`, {
        paidAmount,
        ...(stickerId ? { giftName: stickerId } : {}),
      });
    }
    case 'newSponsorEvent': {
      if (!triggers.memberships) return undefined;
      const level = snippet.newSponsorDetails?.memberLevelName?.trim();
      const what = snippet.newSponsorDetails?.isUpgrade ? 'upgraded their membership' : 'became a member';
      return caption('sub', level ? `${user} ${what}: ${level}` : `${user} ${what}`, level ? { giftName: level } : {});
    }
    case 'memberMilestoneChatEvent': {
      if (!triggers.milestones) return undefined;
      const d = snippet.memberMilestoneChatDetails ?? {};
      const months = d.memberMonth ?? 0;
      return caption('sub', spoken(d.userComment) || `${user} has been a member for ${months} months`);
    }
    case 'membershipGiftingEvent': {
      if (!triggers.giftMemberships) return undefined;
      const d = snippet.membershipGiftingDetails ?? {};
      const count = d.giftMembershipsCount ?? 1;
      const level = d.giftMembershipsLevelName?.trim();
      return caption('gift', `${user} gifted ${count} ${level ? `${level} ` : ''}membership${count === 1 ? '' : 's'}`, level ? { giftName: level } : {});
    }
    case 'giftMembershipReceivedEvent':
      return triggers.giftReceived ? caption('sub', `${user} received a gift membership`) : undefined;
    case 'messageDeletedEvent': {
      const messageId = snippet.messageDeletedDetails?.deletedMessageId;
      return messageId ? { type: 'clear-message', source: 'youtube', messageId, receivedAtMs } : undefined;
    }
    case 'userBannedEvent': {
      const banned = snippet.userBannedDetails?.bannedUserDetails;
      if (!banned?.channelId) return undefined;
      return { type: 'clear-user', source: 'youtube', user: banned.displayName?.trim() || banned.channelId, userId: banned.channelId, receivedAtMs };
    }
    case 'chatEndedEvent':
      return 'chat-ended';
    default:
      return undefined;
  }
}
