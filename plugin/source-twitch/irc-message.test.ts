import { describe, expect, it } from 'vitest';
import { MAX_IRC_LINE_CHARS, parseIrcLine, unescapeTagValue } from './irc-message.ts';

describe('parseIrcLine', () => {
  it('parses tags, prefix, command, middle params and trailing', () => {
    const msg = parseIrcLine(
      '@badge-info=;badges=broadcaster/1;display-name=Ronni;emotes=25:0-4;id=b34ccfc7 :ronni!ronni@ronni.tmi.twitch.tv PRIVMSG #ronni :Kappa Keepo  Kappa',
    );
    expect(msg).toEqual({
      tags: { 'badge-info': '', badges: 'broadcaster/1', 'display-name': 'Ronni', emotes: '25:0-4', id: 'b34ccfc7' },
      prefixNick: 'ronni',
      command: 'PRIVMSG',
      params: ['#ronni', 'Kappa Keepo  Kappa'],
    });
  });

  it('parses a line without tags or prefix', () => {
    expect(parseIrcLine('PING :tmi.twitch.tv')).toEqual({ tags: {}, command: 'PING', params: ['tmi.twitch.tv'] });
  });

  it('parses numerics and a server prefix', () => {
    expect(parseIrcLine(':tmi.twitch.tv 001 justinfan1 :Welcome, GLHF!')).toEqual({
      tags: {},
      prefixNick: 'tmi.twitch.tv',
      command: '001',
      params: ['justinfan1', 'Welcome, GLHF!'],
    });
  });

  it('keeps an empty trailing parameter and a tag without value', () => {
    expect(parseIrcLine('@vip :tmi.twitch.tv CLEARCHAT #c :')).toEqual({
      tags: { vip: '' },
      prefixNick: 'tmi.twitch.tv',
      command: 'CLEARCHAT',
      params: ['#c', ''],
    });
  });

  it('rejects lines with no command', () => {
    expect(parseIrcLine('@a=b')).toBeUndefined();
    expect(parseIrcLine(':prefix.only')).toBeUndefined();
    expect(parseIrcLine('')).toBeUndefined();
  });
});

describe('unescapeTagValue', () => {
  it('undoes IRCv3 escapes', () => {
    expect(unescapeTagValue('a\\sb\\:c\\\\d\\re\\nf')).toBe('a b;c\\d\re\nf');
  });
  it('drops a lone trailing backslash and keeps unknown escapes as the char', () => {
    expect(unescapeTagValue('x\\')).toBe('x');
    expect(unescapeTagValue('\\b')).toBe('b');
  });
});

describe('hostile lines', () => {
  it('refuses lines longer than MAX_IRC_LINE_CHARS and lines with CR, LF or NUL inside', () => {
    expect(parseIrcLine(`PRIVMSG #c :${'x'.repeat(MAX_IRC_LINE_CHARS)}`)).toBeUndefined();
    expect(parseIrcLine('PING :a\nPRIVMSG #other :injected')).toBeUndefined();
    expect(parseIrcLine('PING :a\rJOIN #other')).toBeUndefined();
    expect(parseIrcLine('PRIVMSG #c :nul\0byte')).toBeUndefined();
  });

  it('treats __proto__ and constructor as plain tag names', () => {
    const msg = parseIrcLine('@__proto__=x;constructor=y;hasOwnProperty=z :u!u@u PRIVMSG #c :hi')!;
    expect(msg.tags['__proto__']).toBe('x');
    expect(msg.tags['constructor']).toBe('y');
    expect(Object.keys(msg.tags)).toEqual(['__proto__', 'constructor', 'hasOwnProperty']);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(parseIrcLine('PING :a')!.tags['constructor']).toBeUndefined();
  });
});
