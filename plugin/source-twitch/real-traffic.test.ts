/**
 * Issue 12: real Twitch IRC lines, as other clients keep them in their test suites, through
 * parseIrcLine + toSourceEvent. Each line is pasted as it stands in:
 *  - [rs]  robotty/twitch-irc-rs 6.1.1, src/message/commands/{privmsg,usernotice,clearchat}.rs
 *  - [tmi] tmijs/tmi.js 1.9.0-pre.1, test/events.js
 * Emote ranges in some of them are wrong on purpose (Twitch sends such lines).
 */
import { describe, expect, it } from 'vitest';
import { ChatMemory } from './chat-memory.ts';
import { parseIrcLine } from './irc-message.ts';
import { DEFAULT_TWITCH_TRIGGERS, toSourceEvent, type TwitchTriggers } from './twitch-events.ts';

const READ_ALL: TwitchTriggers = { ...DEFAULT_TWITCH_TRIGGERS, allMessages: true, raids: true };

const cases: { name: string; line: string; expected: Record<string, unknown> | undefined }[] = [
  {
    name: '[rs] test_emotes_1: every emote removed, nothing else',
    line: '@badge-info=subscriber/22;badges=moderator/1,subscriber/12;color=#19E6E6;display-name=randers;emotes=1902:6-10,29-33,35-39/499:45-46,48-49/490:51-52/25:0-4,12-16,18-22;flags=;id=f9c5774b-faa7-4378-b1af-c4e08b532dc2;mod=1;room-id=11148817;subscriber=1;tmi-sent-ts=1594556065407;turbo=0;user-id=40286300;user-type=mod :randers!randers@randers.tmi.twitch.tv PRIVMSG #pajlada :Kappa Keepo Kappa Kappa test Keepo Keepo 123 :) :) :P',
    expected: { kind: 'chat', text: 'test 123', user: 'randers', roles: ['moderator', 'subscriber', 'viewer'] },
  },
  {
    name: '[rs] test_incorrect_emote_index: off by one, no "L" left',
    line: '@badge-info=;badges=;color=;display-name=some_1_happy;emotes=425618:49-51;flags=24-28:A.3;id=9eb37414-0952-44cc-b177-ad8007088034;mod=0;room-id=35768443;subscriber=0;tmi-sent-ts=1597921035256;turbo=0;user-id=473035780;user-type= :some_1_happy!some_1_happy@some_1_happy.tmi.twitch.tv PRIVMSG #mocbka34 :Я не такой красивый. Не урод, но до тебя далеко LUL',
    expected: { text: 'Я не такой красивый. Не урод, но до тебя далеко' },
  },
  {
    name: '[rs] test_extremely_incorrect_emote_index: off by two, no "Ka" left',
    line: '@badge-info=subscriber/3;badges=subscriber/3;color=#0000FF;display-name=Linkoping;emotes=25:41-45;flags=17-26:S.6;id=744f9c58-b180-4f46-bd9e-b515b5ef75c1;mod=0;room-id=188442366;subscriber=1;tmi-sent-ts=1566335866017;turbo=0;user-id=91673457;user-type= :linkoping!linkoping@linkoping.tmi.twitch.tv PRIVMSG #queenqarro :Då kan du begära skadestånd och förtal Kappa',
    expected: { text: 'Då kan du begära skadestånd och förtal' },
  },
  {
    name: '[rs] test_emote_index_beyond_out_of_range: the range is past the end',
    line: '@badge-info=subscriber/3;badges=subscriber/3;color=#0000FF;display-name=Linkoping;emotes=25:45-49;flags=17-26:S.6;id=744f9c58-b180-4f46-bd9e-b515b5ef75c1;mod=0;room-id=188442366;subscriber=1;tmi-sent-ts=1566335866017;turbo=0;user-id=91673457;user-type= :linkoping!linkoping@linkoping.tmi.twitch.tv PRIVMSG #queenqarro :Då kan du begära skadestånd och förtal Kappa',
    expected: { text: 'Då kan du begära skadestånd och förtal' },
  },
  {
    name: '[rs] test_emote_after_emoji: positions in code points',
    line: '@badge-info=subscriber/22;badges=moderator/1,subscriber/12;color=#19E6E6;display-name=randers;emotes=483:2-3,7-8,12-13;flags=;id=3695cb46-f70a-4d6f-a71b-159d434c45b5;mod=1;room-id=11148817;subscriber=1;tmi-sent-ts=1594557379272;turbo=0;user-id=40286300;user-type=mod :randers!randers@randers.tmi.twitch.tv PRIVMSG #pajlada :👉 <3 👉 <3 👉 <3',
    expected: { text: '👉 👉 👉' },
  },
  {
    name: '[rs] test_display_name_with_trailing_space: the name is trimmed',
    line: '@rm-received-ts=1594554085918;historical=1;badge-info=;badges=;client-nonce=815810609edecdf4537bd9586994182b;color=;display-name=CarvedTaleare\\s;emotes=;flags=;id=c9b941d9-a0ab-4534-9903-971768fcdf10;mod=0;room-id=22484632;subscriber=0;tmi-sent-ts=1594554085753;turbo=0;user-id=467684514;user-type= :carvedtaleare!carvedtaleare@carvedtaleare.tmi.twitch.tv PRIVMSG #forsen :NaM',
    expected: { text: 'NaM', user: 'CarvedTaleare' },
  },
  {
    name: '[rs] test_korean_display_name',
    line: '@badge-info=subscriber/35;badges=moderator/1,subscriber/3024;color=#FF0000;display-name=테스트계정420;emotes=;flags=;id=bdfa278e-11c4-484f-9491-0a61b16fab60;mod=1;room-id=11148817;subscriber=1;tmi-sent-ts=1593953876927;turbo=0;user-id=117166826;user-type=mod :testaccount_420!testaccount_420@testaccount_420.tmi.twitch.tv PRIVMSG #pajlada :@asd',
    expected: { text: '@asd', user: '테스트계정420', userId: '117166826' },
  },
  {
    name: '[tmi] cheer inside /me, lowercase cheermote: paid, no "ACTION"',
    line: '@badges=broadcaster/1,warcraft/horde;color=#0D4200;bits=100;display-name=Schmoopiie;emotes=;subscriber=0;turbo=1;user-type=global_mod :schmoopiie!~schmoopiie@schmoopiie.tmi.twitch.tv PRIVMSG #schmoopiie :\u0001ACTION cheer100 Hello :)\u0001',
    expected: { kind: 'bits', text: 'Hello :)', paidAmount: { value: 100, currency: 'bits' } },
  },
  {
    name: '[tmi] the legacy jtv host notice is not chat',
    line: ':jtv!~jtv@jtv.tmi.twitch.tv PRIVMSG #schmoopiie :Username is now hosting you for 11 viewers.',
    expected: undefined,
  },
  {
    name: '[tmi] a whisper is not chat',
    line: "@color=#FFFFFF;display-name=Schmoopiie;emotes=;turbo=1;user-type= :schmoopiie!schmoopiie@schmoopiie.tmi.twitch.tv WHISPER martinlarouche :Hello! ;-)",
    expected: undefined,
  },
  {
    name: '[tmi] a tag-less CLEARCHAT naming a user clears that user',
    line: ':tmi.twitch.tv CLEARCHAT #schmoopiie :schmoopiie',
    expected: { type: 'clear-user', user: 'schmoopiie' },
  },
  {
    name: '[rs] CLEARCHAT of the whole chat clears no user',
    line: '@room-id=40286300;tmi-sent-ts=1594561392337 :tmi.twitch.tv CLEARCHAT #randers',
    expected: undefined,
  },
  {
    name: '[rs] test_announcement: the text without emotes',
    line: '@badge-info=subscriber/88;badges=moderator/1,subscriber/72;color=#19E6E6;display-name=randers;emotes=185989:11-15/25:17-21/1902:23-27;flags=;id=9045a344-75b9-44fa-af49-c413bcb39559;login=randers;mod=1;msg-id=announcement;msg-param-color=PRIMARY;room-id=11148817;subscriber=1;system-msg=;tmi-sent-ts=1780872797175;user-id=40286300;user-type=mod;vip=0 :tmi.twitch.tv USERNOTICE #pajlada :hello pajs pajaH Kappa Keepo',
    expected: { kind: 'announcement', text: 'hello pajs', user: 'randers' },
  },
  {
    name: '[rs] a raid: Twitch\'s system text',
    line: '@badge-info=;badges=glhf-pledge/1;color=#FF69B4;display-name=iamelisabete;emotes=;flags=;id=bb99dda7-3736-4583-9114-52aa11b23d17;login=iamelisabete;mod=0;msg-id=raid;msg-param-displayName=iamelisabete;msg-param-login=iamelisabete;msg-param-profileImageURL=https://static-cdn.jtvnw.net/jtv_user_pictures/cae3ca63-510d-4715-b4ce-059dcf938978-profile_image-70x70.png;msg-param-viewerCount=430;room-id=71092938;subscriber=0;system-msg=430\\sraiders\\sfrom\\siamelisabete\\shave\\sjoined!;tmi-sent-ts=1594517796120;user-id=155874595;user-type= :tmi.twitch.tv USERNOTICE #xqcow',
    expected: { kind: 'raid', text: '430 raiders from iamelisabete have joined!', user: 'iamelisabete' },
  },
  {
    name: '[rs] a sub gift: paid kind gift',
    line: '@badge-info=;badges=sub-gifter/50;color=;display-name=AdamAtReflectStudios;emotes=;flags=;id=e21409b1-d25d-4a1a-b5cf-ef27d8b7030e;login=adamatreflectstudios;mod=0;msg-id=subgift;msg-param-gift-months=1;msg-param-months=2;msg-param-origin-id=da\\s39\\sa3\\see\\s5e\\s6b\\s4b\\s0d\\s32\\s55\\sbf\\sef\\s95\\s60\\s18\\s90\\saf\\sd8\\s07\\s09;msg-param-recipient-display-name=qatarking24xd;msg-param-recipient-id=236653628;msg-param-recipient-user-name=qatarking24xd;msg-param-sender-count=0;msg-param-sub-plan-name=Channel\\sSubscription\\s(xqcow);msg-param-sub-plan=1000;room-id=71092938;subscriber=0;system-msg=AdamAtReflectStudios\\sgifted\\sa\\sTier\\s1\\ssub\\sto\\sqatarking24xd!;tmi-sent-ts=1594583782376;user-id=211711554;user-type= :tmi.twitch.tv USERNOTICE #xqcow',
    expected: { kind: 'gift', text: 'AdamAtReflectStudios gifted a Tier 1 sub to qatarking24xd!', user: 'AdamAtReflectStudios' },
  },
  {
    name: '[rs] an anonymous gift bomb',
    line: "@badge-info=;badges=;color=;display-name=AnAnonymousGifter;emotes=;flags=;id=8db97752-3dee-460b-9001-e925d0e2ba5b;login=ananonymousgifter;mod=0;msg-id=submysterygift;msg-param-mass-gift-count=10;msg-param-origin-id=13\\s33\\sed\\sc0\\sef\\sa0\\s7b\\s9b\\s48\\s59\\scb\\scc\\se4\\s39\\s7b\\s90\\sf9\\s54\\s75\\s66;msg-param-sub-plan=1000;room-id=71092938;subscriber=0;system-msg=An\\sanonymous\\suser\\sis\\sgifting\\s10\\sTier\\s1\\sSubs\\sto\\sxQcOW's\\scommunity!;tmi-sent-ts=1585447099603;user-id=274598607;user-type= :tmi.twitch.tv USERNOTICE #xqcow",
    expected: { kind: 'gift', text: "An anonymous user is gifting 10 Tier 1 Subs to xQcOW's community!" },
  },
  {
    name: '[rs] giftpaidupgrade (continuing a gifted sub, no message) is not read',
    line: '@badge-info=subscriber/2;badges=subscriber/2;color=#00FFF5;display-name=CrazyCrackAnimal;emotes=;flags=;id=7006f242-a45c-4e07-83b3-11f9c6d1ee28;login=crazycrackanimal;mod=0;msg-id=giftpaidupgrade;msg-param-sender-login=stridezgum;msg-param-sender-name=Stridezgum;room-id=71092938;subscriber=1;system-msg=CrazyCrackAnimal\\sis\\scontinuing\\sthe\\sGift\\sSub\\sthey\\sgot\\sfrom\\sStridezgum!;tmi-sent-ts=1594518849459;user-id=111971097;user-type= :tmi.twitch.tv USERNOTICE #xqcow',
    expected: undefined,
  },
];

describe('real Twitch lines from other clients\' test suites', () => {
  it.each(cases)('$name', ({ line, expected }) => {
    const msg = parseIrcLine(line);
    expect(msg).toBeDefined();
    const event = toSourceEvent(msg!, READ_ALL, 1_000);
    if (expected === undefined) expect(event).toBeUndefined();
    else expect(event).toMatchObject(expected);
  });
});

describe('siblings the real lines showed', () => {
  const eventOf = (line: string, triggers: Partial<TwitchTriggers> = {}, memory?: ChatMemory) =>
    toSourceEvent(parseIrcLine(line)!, { ...READ_ALL, ...triggers }, 1_000, memory);
  const privmsg = (tags: string, text: string) => `@${tags} :viewer1!viewer1@viewer1.tmi.twitch.tv PRIVMSG #chan :${text}`;

  it('an empty /me is not read as "ACTION"', () => {
    expect(eventOf(privmsg('display-name=Viewer1;user-id=42', '\u0001ACTION\u0001'))).toBeUndefined();
    expect(eventOf(privmsg('display-name=Viewer1;user-id=42', '\u0001ACTION \u0001'))).toBeUndefined();
  });

  it('a display name of a single space is the login, not "anonymous"', () => {
    expect(eventOf(privmsg('display-name=\\s;user-id=42', 'hi'))).toMatchObject({ user: 'viewer1' });
  });

  it('a tag-less CLEARCHAT finds the id the login was seen with (the readout carries the display name)', () => {
    const memory = new ChatMemory();
    eventOf(privmsg('display-name=테스트;user-id=42', 'hi'), {}, memory);
    expect(eventOf(':tmi.twitch.tv CLEARCHAT #chan :viewer1', {}, memory)).toEqual({
      type: 'clear-user',
      source: 'twitch',
      user: 'viewer1',
      userId: '42',
      receivedAtMs: 1_000,
    });
  });

  it('a gift bomb is read once, not once per recipient', () => {
    const memory = new ChatMemory();
    const origin = 'msg-param-origin-id=ab\\scd';
    const notice = (msgId: string, system: string) =>
      `@display-name=Gifter;login=gifter;user-id=9;msg-id=${msgId};${origin};system-msg=${system} :tmi.twitch.tv USERNOTICE #chan`;
    expect(eventOf(notice('submysterygift', 'Gifter\\sis\\sgifting\\s2\\sTier\\s1\\sSubs!'), {}, memory)).toMatchObject({ kind: 'gift' });
    expect(eventOf(notice('subgift', 'Gifter\\sgifted\\sa\\sTier\\s1\\ssub\\sto\\sA!'), {}, memory)).toBeUndefined();
    expect(eventOf(notice('subgift', 'Gifter\\sgifted\\sa\\sTier\\s1\\ssub\\sto\\sB!'), {}, memory)).toBeUndefined();
  });

  it('each notice has its own setting', () => {
    const raid = cases.find((c) => c.name.includes('a raid'))!.line;
    expect(eventOf(raid, { raids: false })).toBeUndefined();
    const gift = cases.find((c) => c.name.includes('a sub gift'))!.line;
    expect(eventOf(gift, { subGifts: false })).toBeUndefined();
    const announcement = cases.find((c) => c.name.includes('announcement'))!.line;
    expect(eventOf(announcement, { announcements: false })).toBeUndefined();
    expect(DEFAULT_TWITCH_TRIGGERS).toMatchObject({ subGifts: true, raids: false, announcements: true });
  });
});
