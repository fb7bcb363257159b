/**
 * liveChatMessage resources as the Data API v3 returns them (`part=id,snippet,authorDetails`),
 * built field for field from the resource representation at
 * https://developers.google.com/youtube/v3/live/docs/liveChatMessages (int64 fields such as
 * `amountMicros` and `banDurationSeconds` are JSON strings, as in the REST reference
 * https://developers.google.com/youtube/data/reference/rest/v3/liveChatMessages), and checked
 * against a captured response: the 2018 textMessageEvent kept in realPage below.
 */

export interface FakeAuthor {
  channelId: string;
  displayName: string;
  isChatOwner?: boolean;
  isChatModerator?: boolean;
  isChatSponsor?: boolean;
}

export type LiveChatMessageResource = {
  kind: 'youtube#liveChatMessage';
  etag: string;
  id: string;
  snippet: Record<string, unknown> & { type: string; liveChatId: string; publishedAt: string };
  authorDetails?: Record<string, unknown>;
};

let etagSeq = 0;

function resource(id: string, liveChatId: string, type: string, author: FakeAuthor | undefined, details: Record<string, unknown>, displayMessage: string): LiveChatMessageResource {
  etagSeq += 1;
  return {
    kind: 'youtube#liveChatMessage',
    etag: `fakeEtag${etagSeq}`,
    id,
    snippet: {
      type,
      liveChatId,
      ...(author ? { authorChannelId: author.channelId } : {}),
      publishedAt: new Date().toISOString(),
      hasDisplayContent: displayMessage !== '',
      displayMessage,
      ...details,
    },
    ...(author
      ? {
          authorDetails: {
            channelId: author.channelId,
            channelUrl: `http://www.youtube.com/channel/${author.channelId}`,
            displayName: author.displayName,
            profileImageUrl: `https://yt3.ggpht.com/${author.channelId}/photo.jpg`,
            isVerified: false,
            isChatOwner: author.isChatOwner ?? false,
            isChatSponsor: author.isChatSponsor ?? false,
            isChatModerator: author.isChatModerator ?? false,
          },
        }
      : {}),
  };
}

/** Builders for one chat: `chat.text('m1', viewer, 'hello')`. */
export function liveChat(liveChatId: string) {
  return {
    text: (id: string, author: FakeAuthor, messageText: string) =>
      resource(id, liveChatId, 'textMessageEvent', author, { textMessageDetails: { messageText } }, messageText),
    superChat: (id: string, author: FakeAuthor, amountMicros: number, currency: string, amountDisplayString: string, userComment: string, tier = 2) =>
      resource(
        id,
        liveChatId,
        'superChatEvent',
        author,
        { superChatDetails: { amountMicros: String(amountMicros), currency, amountDisplayString, userComment, tier } },
        `${amountDisplayString} from ${author.displayName}: "${userComment}"`,
      ),
    superSticker: (id: string, author: FakeAuthor, amountMicros: number, currency: string, amountDisplayString: string, stickerId: string, altText: string) =>
      resource(
        id,
        liveChatId,
        'superStickerEvent',
        author,
        {
          superStickerDetails: {
            superStickerMetadata: { stickerId, altText, language: 'en' },
            amountMicros: String(amountMicros),
            currency,
            amountDisplayString,
            tier: 1,
          },
        },
        `Super Sticker from ${author.displayName}: ${altText}`,
      ),
    newSponsor: (id: string, author: FakeAuthor, memberLevelName: string, isUpgrade = false) =>
      resource(id, liveChatId, 'newSponsorEvent', author, { newSponsorDetails: { memberLevelName, isUpgrade } }, `Welcome to ${memberLevelName}!`),
    milestone: (id: string, author: FakeAuthor, memberMonth: number, memberLevelName: string, userComment: string) =>
      resource(id, liveChatId, 'memberMilestoneChatEvent', author, { memberMilestoneChatDetails: { userComment, memberMonth, memberLevelName } }, userComment),
    membershipGifting: (id: string, author: FakeAuthor, giftMembershipsCount: number, giftMembershipsLevelName: string) =>
      resource(
        id,
        liveChatId,
        'membershipGiftingEvent',
        author,
        { membershipGiftingDetails: { giftMembershipsCount, giftMembershipsLevelName } },
        `Gifted ${giftMembershipsCount} ${giftMembershipsLevelName} memberships`,
      ),
    giftMembershipReceived: (id: string, author: FakeAuthor, memberLevelName: string, gifterChannelId: string, associatedMembershipGiftingMessageId: string) =>
      resource(
        id,
        liveChatId,
        'giftMembershipReceivedEvent',
        author,
        { giftMembershipReceivedDetails: { memberLevelName, gifterChannelId, associatedMembershipGiftingMessageId } },
        `received a gift membership`,
      ),
    messageDeleted: (id: string, moderator: FakeAuthor, deletedMessageId: string) =>
      resource(id, liveChatId, 'messageDeletedEvent', moderator, { messageDeletedDetails: { deletedMessageId } }, ''),
    userBanned: (id: string, moderator: FakeAuthor, banned: FakeAuthor, banType: 'permanent' | 'temporary', banDurationSeconds?: number) =>
      resource(
        id,
        liveChatId,
        'userBannedEvent',
        moderator,
        {
          userBannedDetails: {
            bannedUserDetails: {
              channelId: banned.channelId,
              channelUrl: `http://www.youtube.com/channel/${banned.channelId}`,
              displayName: banned.displayName,
              profileImageUrl: `https://yt3.ggpht.com/${banned.channelId}/photo.jpg`,
            },
            banType,
            ...(banDurationSeconds === undefined ? {} : { banDurationSeconds: String(banDurationSeconds) }),
          },
        },
        '',
      ),
    chatEnded: (id: string) => resource(id, liveChatId, 'chatEndedEvent', undefined, {}, ''),
  };
}

/**
 * A real liveChatMessages.list answer (a test chat, 2018; the first of its 19 items), published
 * in a public developer's notes on calling the API with curl: the shape every page of the fake follows.
 */
export const REAL_PAGE_2018 = {
  kind: 'youtube#liveChatMessageListResponse',
  etag: '"_gJQceDMxJ8gP-8T2HLXUoURK8c/EktItOeGDW-qqheMbsHubaBnrS8"',
  nextPageToken: 'GMq3wfej0dkCIJOw_uCl0dkC',
  pollingIntervalMillis: 1526,
  pageInfo: { totalResults: 19, resultsPerPage: 19 },
  items: [
    {
      kind: 'youtube#liveChatMessage',
      etag: '"_gJQceDMxJ8gP-8T2HLXUoURK8c/zsQSWiW4xjZfucBiPw3dxnPgr4c"',
      id: 'LCC.CiMSIQoYVUNHN3lJV3RWd2NFTmdfWlMtbmFoZzVnEgUvbGl2ZRI5ChpDT2ktXzhhZDBka0NGUkhVd1FvZENvRUt5dxIbQ0szM3VKNmMwZGtDRlFYQllBb2RKMWNNaFEw',
      snippet: {
        type: 'textMessageEvent',
        liveChatId: 'EiEKGFVDRzd5SVd0VndjRU5nX1pTLW5haGc1ZxIFL2xpdmU',
        authorChannelId: 'UCG7yIWtVwcENg_ZS-nahg5g',
        publishedAt: '2018-03-03T22:45:18.656Z',
        hasDisplayContent: true,
        displayMessage: 'test',
        textMessageDetails: { messageText: 'test' },
      },
    },
  ],
};
