/**
 * The hostile-input corpus, generated from categories: a few lists of nasty values, and
 * per entry point a few rules that put them where they hurt. Every case says what the
 * relay must answer; the tests in this folder run them and count them per entry point.
 *
 * Outcomes are written "202", "400 invalid_body", "413 body_too_large"...: the status and,
 * for errors, the `error.code` of the `{error: {code, message}}` body.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { HeaderList } from './raw-http.ts';

export interface Secrets {
  token: string;
  overlayKey: string;
}

/** Strings that have broken someone's parser, renderer or TTS engine, by category. */
export const HOSTILE_STRINGS: Record<string, readonly string[]> = {
  html: [
    '<script>window.__pwned=1</script>',
    '<img src=x onerror="window.__pwned=1">',
    '<svg onload="window.__pwned=1"></svg>',
    '"><script>window.__pwned=1</script>',
    "'><img src=x onerror=window.__pwned=1>",
    '<iframe src="javascript:window.__pwned=1"></iframe>',
    'javascript:window.__pwned=1',
    '<a href="javascript:window.__pwned=1">click</a>',
    '<b>bold</b> <i>italic</i> <u>u</u>',
    '&lt;script&gt; &amp;amp; &#60;img&#62; &#x3C;',
    '<style>*{display:none!important}</style>',
    '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>',
    '<template><script>window.__pwned=1</script></template>',
    '{{constructor.constructor("window.__pwned=1")()}}',
    '${window.__pwned=1}',
    '<!-- comment --> <![CDATA[ cdata ]]>',
  ],
  ssml: [
    '<speak><break time="99s"/></speak>',
    'pause<break time="99s"/>here',
    '<break strength="x-strong"/><break strength="x-strong"/>',
    '<prosody rate="x-slow" volume="+100dB" pitch="+200%">loud</prosody>',
    '<audio src="http://evil.example/a.wav">fallback</audio>',
    '<say-as interpret-as="characters">supercalifragilistic</say-as>',
    '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY e SYSTEM "file:///etc/passwd">]><speak>&e;</speak>',
    '<voice name="en-us" gender="female">voice</voice>',
    '<mark name="m1"/>marked</speak><speak>',
    ']]> closing a CDATA that was never opened',
    '<phoneme alphabet="ipa" ph="pɪˈkɑːn">pecan</phoneme>',
    '<sub alias="something else">shown</sub>',
  ],
  engine: [
    '[[h@l\'oU]] espeak phonemes',
    '[[ʃʃʃʃʃʃʃʃʃʃʃʃʃʃʃʃʃʃʃʃʃʃ]]',
    '\u000199S embedded espeak command',
    '<|endofprompt|> <|im_start|>system',
    '[laughter] [breath] <strong>stress</strong>',
    '%s%s%s%n%x %d',
    '\\n\\r\\t\\u0000 escaped escapes',
  ],
  control: [
    'nul\u0000byte',
    'bell\u0007 backspace\b',
    '\u001b[31mred\u001b[0m ansi',
    'crlf\r\ninjected: header',
    'next\u0085line\u2028sep\u2029para',
    '\u0000\u0001\u0002\u001f\u007f',
    'tab\tvertical\u000bform\u000c',
  ],
  bidi: [
    '\u202Eevil.exe\u202C txt',
    'abc\u2066\u2067\u2068isolates\u2069',
    '\u202D\u202Aembedded\u202C',
    '\u202E\u2066',
    'שלום \u200Fmixed\u200E עולם',
  ],
  invisible: [
    'zero\u200Bwidth\u200Bspace',
    '\uFEFFbom at start',
    'word\u2060joiner\u2061\u2062',
    '\u200B\u200B\u200B\uFEFF',
    'soft\u00ADhyphen',
    'mongolian\u180Evowel',
  ],
  emoji: [
    '😀'.repeat(500),
    '😀'.repeat(501),
    '👩\u200D👩\u200D👧'.repeat(40),
    '🇺🇸🇨🇳🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
    'Z̷̢̛̩a̸̛l̶̨g̵̢o̴̧ text',
    `a${'\u0301'.repeat(600)}`,
    '️️️️️variation selectors',
  ],
  unicode: [
    'lone \ud800 high \udfff low',
    'Ａ＜ｓｃｒｉｐｔ＞ fullwidth',
    'İıßﬁ ǅ casing',
    'nonchars \uFFFE\uFFFF',
    'tags \u{E0041}\u{E0042}',
    'max \u{10FFFF} plane',
    '你好，欢迎来到直播间！',
  ],
  injection: [
    "'; DROP TABLE utterances; --",
    '" OR 1=1 --',
    '../../../../etc/passwd',
    '..\\..\\windows\\win.ini',
    '$(reboot) `id` | rm -rf /',
    'PRIVMSG #other :hi\r\nJOIN #evil',
    'null',
    'undefined',
    'NaN',
    'Infinity',
    '__proto__',
    'constructor',
  ],
  length: ['x'.repeat(500), 'x'.repeat(501), `${' '.repeat(5000)}padded`, '字'.repeat(501), `${'word '.repeat(100)}`.trim()],
};

export const HOSTILE_LIST: { category: string; value: string }[] = Object.entries(HOSTILE_STRINGS).flatMap(([category, values]) =>
  values.map((value) => ({ category, value })),
);

/** JSON values of every type, for "wrong type" rules. */
export const ANY_VALUES: readonly unknown[] = [42, -1, 1.5, 1e308, -0, true, false, null, [], ['a'], {}, { toString: 'x' }, '', 'NaN', '1000'];

// ---------------------------------------------------------------- HTTP

export interface HttpCase {
  entry: string;
  name: string;
  method: string;
  path: string;
  /** Headers after Host/Connection; the API token is added unless `auth` is false. */
  headers?: HeaderList;
  auth?: boolean;
  body?: string | Buffer;
  verbatim?: string | Buffer;
  /** How long to wait for an answer; default 10 s. */
  timeoutMs?: number;
  expect: string[];
}

const json = (value: unknown) => JSON.stringify(value);
const JSON_TYPE: HeaderList = [['Content-Type', 'application/json']];
const CAPTION_OUTCOMES = ['202', '400 empty_text', '413 text_too_long'];

/** Invalid UTF-8 (bare continuation, overlong, surrogate, truncated, 0xFF) inside otherwise valid JSON. */
const BAD_UTF8: Buffer[] = [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xbd], [0xff, 0xfe], [0xf8, 0x88, 0x80, 0x80, 0x80]].map((bytes) =>
  Buffer.concat([Buffer.from('{"text":"bad '), Buffer.from(bytes), Buffer.from(' utf8"}')]),
);

/** Deterministic pseudo-random bytes. */
function noise(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed * 2654435761;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function captionCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  const post = (name: string, body: string | Buffer, expect: string[], headers: HeaderList = JSON_TYPE): void =>
    void cases.push({ entry: 'http POST /api/captions', name, method: 'POST', path: '/api/captions', headers, body, expect });

  // Every hostile string in every field.
  HOSTILE_LIST.forEach(({ category, value }, i) => {
    post(`text ${category}#${i}`, json({ text: value }), CAPTION_OUTCOMES);
    post(`user ${category}#${i}`, json({ text: `hostile user name ${i}`, user: value }), ['202', '400 invalid_body']);
    // voice, lang and source are identifiers: a string that looks like one may pass (a voice
    // only when an engine or the library knows it).
    const identifier = /^[A-Za-z][\w.:/-]{0,34}$/.test(value);
    for (const field of ['voice', 'lang', 'source']) {
      const passing = field === 'voice' ? ['202', '400 invalid_body', '400 unknown_voice'] : ['202', '400 invalid_body'];
      post(`${field} ${category}#${i}`, json({ text: `hostile ${field} ${i}`, [field]: value }), identifier ? passing : ['400 invalid_body']);
    }
    // instruct is plain text for the engine: bounded, no control characters, no markup.
    post(`instruct ${category}#${i}`, json({ text: `hostile instruct ${i}`, instruct: value }), ['202', '400 invalid_body']);
  });
  // Every field with every JSON type.
  const valid: Record<string, (v: unknown) => boolean> = {
    text: (v) => typeof v === 'string',
    user: (v) => typeof v === 'string',
    source: () => false,
    voice: () => false,
    lang: () => false,
    instruct: () => false,
    /** Strings that merely look like an identifier ("NaN") may be accepted there. */
    priority: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1000,
  };
  for (const [field, ok] of Object.entries(valid)) {
    ANY_VALUES.forEach((value, i) => {
      const body = field === 'text' ? { text: value } : { text: `typed ${field} ${i}`, [field]: value };
      const identifierField = field === 'source' || field === 'voice' || field === 'lang';
      const expect = field === 'voice' && typeof value === 'string' ? ['202', '400 invalid_body', '400 unknown_voice']
        : (identifierField || field === 'instruct') && typeof value === 'string' ? ['202', '400 invalid_body']
        : !ok(value) ? ['400 invalid_body'] : field === 'text' ? CAPTION_OUTCOMES : ['202'];
      post(`type ${field}=${json(value)}`, json(body), expect);
    });
  }
  // Shapes that are not a caption object.
  for (const body of ['null', 'true', '42', '"a string"', '[]', '[{"text":"in an array"}]', '{}', '{"TEXT":"x"}']) {
    post(`shape ${body}`, body, ['400 invalid_body', '400 unknown_field']);
  }
  for (const body of ['', '   ', '\n']) post(`empty body ${json(body)}`, body, ['400 invalid_body']);
  const notJson = ['{', '{"text":}', "{'text':'single quotes'}", '{"text":"trailing comma",}', '{"text":"x"} trailing', '// comment\n{"text":"x"}',
    '{"text":"a"}{"text":"b"}', 'NaN', 'undefined', '{"text":"x","priority":NaN}', '{"text":"x","priority":Infinity}', '{"text":"\\x41"}', '{"text":"\\ud83d\\ude0',
    '<?xml version="1.0"?><caption text="x"/>', 'text=hello&user=form'];
  for (const body of notJson) post(`not JSON ${body.slice(0, 30)}`, body, ['400 invalid_json']);
  post('JSON number 1e999 → Infinity', '{"text":"x","priority":1e999}', ['400 invalid_body']);
  post('priority huge integer', '{"text":"x","priority":123456789012345678901234567890}', ['400 invalid_body']);
  post('duplicate keys: the last one wins', '{"text":"first","text":"second of duplicate keys"}', ['202']);
  post('UTF-8 BOM before the JSON', '\uFEFF{"text":"a body with a BOM"}', ['202']);
  BAD_UTF8.forEach((body, i) => post(`invalid UTF-8 #${i}`, body, ['400 invalid_encoding']));
  for (let i = 0; i < 8; i++) post(`binary noise #${i}`, noise(i + 1, 512), ['400 invalid_encoding', '400 invalid_json']);
  post('UTF-16LE JSON', Buffer.from('{"text":"utf16"}', 'utf16le'), ['400 invalid_json']);
  post('gzip bytes without Content-Encoding', gzipSync('{"text":"x"}'), ['400 invalid_encoding', '400 invalid_json']);
  // Unknown fields and prototype keys: refused, never merged into anything.
  for (const body of [
    '{"text":"x","colour":"red"}',
    '{"text":"x","__proto__":{"polluted":1}}',
    '{"__proto__":{"text":"via proto","polluted":1}}',
    '{"text":"x","constructor":{"prototype":{"polluted":1}}}',
    '{"text":"x","prototype":{"polluted":1}}',
    '{"text":"x","":1}',
    '{"text":"x"," text":"space"}',
    '{"text":"x","toString":"y","valueOf":1,"hasOwnProperty":2}',
  ]) {
    post(`unknown field ${body.slice(0, 40)}`, body, ['400 unknown_field', '400 invalid_body']);
  }
  // Deep nesting inside the size limit, and past it.
  for (const depth of [1_000, 20_000, 30_000]) {
    post(`array nested ${depth} levels`, '['.repeat(depth) + ']'.repeat(depth), ['400 invalid_body']);
    post(`user nested ${depth} levels`, `{"text":"x","user":${'['.repeat(depth)}${']'.repeat(depth)}}`, ['400 invalid_body']);
    post(`object nested ${depth / 10} levels`, `${'{"a":'.repeat(depth / 10)}1${'}'.repeat(depth / 10)}`, ['400 unknown_field', '400 invalid_body']);
  }
  post('array nested 100k levels (over the size limit)', '['.repeat(100_000) + ']'.repeat(100_000), ['413 body_too_large']);
  // Sizes around the 64 KiB limit.
  const padded = (text: string, bytes: number) => {
    const head = `{"text":"${text}"`;
    return `${head}${' '.repeat(bytes - head.length - 1)}}`;
  };
  post('body of exactly 64 KiB (whitespace padded)', padded('padded to the limit', 64 * 1024), ['202']);
  post('body of 64 KiB + 1', padded('one byte over', 64 * 1024 + 1), ['413 body_too_large']);
  post('1 MB text field', json({ text: 'x'.repeat(1024 * 1024) }), ['413 body_too_large']);
  post('1 MB of emoji', json({ text: '😀'.repeat(256 * 1024) }), ['413 body_too_large']);
  return cases;
}

function headerCases({ token, overlayKey }: Secrets): HttpCase[] {
  const cases: HttpCase[] = [];
  const entry = 'http headers and methods';
  const body = (i: number) => json({ text: `headers case ${i}` });
  const withHeaders = (name: string, headers: HeaderList, expect: string[], payload?: string | Buffer): void =>
    void cases.push({ entry, name, method: 'POST', path: '/api/captions', headers, auth: false, body: payload ?? body(cases.length), expect });
  const bearer = (value: string): HeaderList => [['Authorization', value], ...JSON_TYPE];

  // Authorization abuse.
  withHeaders('no Authorization', JSON_TYPE, ['401 unauthorized']);
  withHeaders('empty Authorization', bearer(''), ['401 unauthorized']);
  withHeaders('Bearer without token', bearer('Bearer'), ['401 unauthorized']);
  withHeaders('Bearer and spaces only', bearer('Bearer      '), ['401 unauthorized']);
  withHeaders('token without scheme', bearer(token), ['401 unauthorized']);
  withHeaders('Basic with the token', bearer(`Basic ${Buffer.from(`u:${token}`).toString('base64')}`), ['401 unauthorized']);
  withHeaders('Token scheme', bearer(`Token ${token}`), ['401 unauthorized']);
  withHeaders('Bearer token + junk', bearer(`Bearer ${token} junk`), ['401 unauthorized']);
  withHeaders('Bearer token twice', bearer(`Bearer ${token} ${token}`), ['401 unauthorized']);
  withHeaders('Bearer token,token (folded)', bearer(`Bearer ${token}, Bearer ${token}`), ['401 unauthorized']);
  withHeaders('Bearer with many spaces', bearer(`Bearer     ${token}`), ['202']);
  withHeaders('lowercase bearer', bearer(`bearer ${token}`), ['202']);
  withHeaders('token upper-cased', bearer(`Bearer ${token.toUpperCase()}`), token === token.toUpperCase() ? ['202'] : ['401 unauthorized']);
  withHeaders('token minus its last char', bearer(`Bearer ${token.slice(0, -1)}`), ['401 unauthorized']);
  withHeaders('token plus a char', bearer(`Bearer ${token}x`), ['401 unauthorized']);
  withHeaders('overlay key as token', bearer(`Bearer ${overlayKey}`), ['401 unauthorized']);
  withHeaders('8 KiB token', bearer(`Bearer ${'A'.repeat(8 * 1024)}`), ['401 unauthorized']);
  withHeaders('20 KiB token (over the header limit)', bearer(`Bearer ${'A'.repeat(20 * 1024)}`), ['431 headers_too_large']);
  withHeaders('duplicate Authorization: right, right', [['Authorization', `Bearer ${token}`], ['Authorization', `Bearer ${token}`], ...JSON_TYPE], ['401 unauthorized']);
  withHeaders('duplicate Authorization: wrong, right', [['Authorization', 'Bearer wrong'], ['Authorization', `Bearer ${token}`], ...JSON_TYPE], ['401 unauthorized']);
  withHeaders('duplicate Authorization: right, wrong', [['Authorization', `Bearer ${token}`], ['Authorization', 'Bearer wrong'], ...JSON_TYPE], ['401 unauthorized']);
  withHeaders('token in a cookie', [['Cookie', `token=${token}`], ...JSON_TYPE], ['401 unauthorized']);
  cases.push({ entry, name: 'token in the query string', method: 'POST', path: `/api/captions?token=${token}`, auth: false, headers: JSON_TYPE, body: body(99), expect: ['401 unauthorized'] });

  // Content types, charsets and encodings (with the right token).
  const auth: HeaderList = [['Authorization', `Bearer ${token}`]];
  const typed = (name: string, headers: HeaderList, expect: string[], payload?: string | Buffer) => withHeaders(name, [...auth, ...headers], expect, payload);
  typed('no Content-Type', [], ['202']);
  typed('text/plain', [['Content-Type', 'text/plain']], ['202']);
  typed('form content type (curl -d)', [['Content-Type', 'application/x-www-form-urlencoded']], ['202']);
  typed('charset="UTF-8" quoted', [['Content-Type', 'application/json; charset="UTF-8"']], ['202']);
  typed('charset=latin1', [['Content-Type', 'application/json; charset=latin1']], ['415 unsupported_charset']);
  typed('charset=utf-16', [['Content-Type', 'application/json; charset=utf-16']], ['415 unsupported_charset']);
  typed('charset=utf-7 with +ADw-', [['Content-Type', 'application/json; charset=utf-7']], ['415 unsupported_charset'], '{"text":"+ADw-script+AD4-"}');
  typed('multipart body', [['Content-Type', 'multipart/form-data; boundary=x']], ['400 invalid_json'], '--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nhi\r\n--x--');
  typed('Content-Encoding gzip', [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']], ['415 unsupported_encoding'], gzipSync(body(1)));
  typed('Content-Encoding deflate bomb', [['Content-Encoding', 'deflate']], ['415 unsupported_encoding'], deflateSync(Buffer.alloc(10 * 1024 * 1024, 0x20)));
  typed('Content-Encoding br', [['Content-Encoding', 'br']], ['415 unsupported_encoding'], brotliCompressSync(body(2)));
  typed('Content-Encoding identity', [['Content-Encoding', 'identity']], ['202']);
  typed('Content-Encoding junk', [['Content-Encoding', 'x'.repeat(300)]], ['415 unsupported_encoding']);
  cases.push({ entry, name: 'Content-Length larger than the body (the relay waits, the client gives up)', method: 'POST', path: '/api/captions',
    headers: [...auth, ['Content-Length', '500']], auth: false, body: '{"text":"short"}', timeoutMs: 500, expect: ['0'] });
  typed('Content-Length 1 GB declared', [['Content-Length', String(1024 ** 3)]], ['413 body_too_large'], '');
  typed('Content-Length not a number', [['Content-Length', 'abc']], ['400 bad_request']);
  typed('Content-Length negative', [['Content-Length', '-5']], ['400 bad_request']);
  typed('two different Content-Lengths', [['Content-Length', '5'], ['Content-Length', '6']], ['400 bad_request']);
  typed('Content-Length and chunked (smuggling)', [['Content-Length', '4'], ['Transfer-Encoding', 'chunked']], ['400 bad_request'], '0\r\n\r\n');
  typed('Transfer-Encoding junk', [['Transfer-Encoding', 'gzip, chunked, junk']], ['400 bad_request', '501', '415 unsupported_encoding']);
  typed('1,000 custom headers', Array.from({ length: 1000 }, (_, i): [string, string] => [`X-H${i}`, 'v']), ['202', '431 headers_too_large']);
  typed('header value with obs-fold', [['X-Folded', 'a\r\n folded']], ['400 bad_request', '202']);
  typed('header name with a space', [['Bad Name', 'v']], ['400 bad_request']);
  typed('Expect: 100-continue', [['Expect', '100-continue']], ['202', '417']);
  typed('Origin: http://evil.example', [['Origin', 'http://evil.example']], ['202']);

  // Wrong methods on every API route (405 with Allow), HEAD included.
  const routes: [string, string[]][] = [
    ['/api/captions', ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'HEAD']],
    ['/api/queue', ['POST', 'PUT', 'DELETE', 'PATCH']],
    ['/api/queue/pause', ['GET', 'PUT', 'PATCH']],
    ['/api/queue/resume', ['GET', 'PUT']],
    ['/api/queue/clear', ['GET', 'PATCH']],
    ['/api/queue/some-id', ['GET', 'POST', 'PUT', 'PATCH']],
    ['/api/queue/some-id/replay', ['GET', 'DELETE']],
    ['/api/history', ['POST', 'PUT', 'DELETE']],
  ];
  for (const [path, methods] of routes) {
    for (const method of methods) cases.push({ entry, name: `${method} ${path}`, method, path, expect: ['405 method_not_allowed'] });
  }
  cases.push({ entry, name: 'TRACE /api/captions', method: 'TRACE', path: '/api/captions', expect: ['405 method_not_allowed'] });
  cases.push({ entry, name: 'unknown method FOO', method: 'FOO', path: '/api/captions', expect: ['400 bad_request'] });
  cases.push({ entry, name: 'lowercase method post', method: 'post', path: '/api/captions', expect: ['400 bad_request'] });
  // Requests that are not HTTP at all.
  const verbatim = (name: string, bytes: string | Buffer, expect: string[]) => void cases.push({ entry, name, method: '', path: '', verbatim: bytes, expect });
  verbatim('garbage request line', 'GARBAGE\r\n\r\n', ['400 bad_request']);
  verbatim('HTTP/1.1 without Host', 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n', ['400 bad_request']);
  verbatim('HTTP/2 preface on HTTP/1', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', ['400 bad_request', '505']);
  verbatim('binary noise', noise(7, 256), ['400 bad_request', '0']);
  verbatim('NUL in the request line', 'GET /api/\u0000queue HTTP/1.1\r\nHost: x\r\n\r\n', ['400 bad_request']);
  verbatim('request line of 20 KiB', `GET /${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`, ['431 headers_too_large', '414', '400 bad_request']);
  verbatim('absolute URI with a bad host', 'GET http://[::1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', ['404 not_found', '400 bad_request']);
  verbatim('upgrade to an unknown WebSocket path', 'GET /api/captions HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n', ['404 not_found']);
  verbatim('upgrade with a broken URL', 'GET http://[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', ['404 not_found', '400 bad_request']);
  return cases;
}

/** The queue and history routes: hostile ids, bodies and queries (never a real id: nothing accepted is skipped). */
function queueCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  const entry = 'http /api/queue/* and /api/history';
  const ids = [
    ...HOSTILE_LIST.filter((_, i) => i % 3 === 0).map(({ value }) => encodeURIComponent(value.slice(0, 200).replace(/[\uD800-\uDFFF]/gu, ''))),
    '%E0%A4%A', '%', '%zz', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '__proto__', 'constructor', 'hasOwnProperty', 'x'.repeat(10_000),
  ];
  for (const id of ids) {
    cases.push({ entry, name: `DELETE /api/queue/${id.slice(0, 30)}`, method: 'DELETE', path: `/api/queue/${id}`, expect: ['404 not_found', '400 bad_request'] });
    cases.push({ entry, name: `replay ${id.slice(0, 30)}`, method: 'POST', path: `/api/queue/${id}/replay`, expect: ['404 not_found', '400 bad_request'] });
  }
  const clear = (body: string | Buffer, expect: string[]) =>
    void cases.push({ entry, name: `clear ${String(body).slice(0, 30)}`, method: 'POST', path: '/api/queue/clear', headers: JSON_TYPE, body, expect });
  for (const value of ANY_VALUES.filter((v) => typeof v !== 'boolean')) clear(json({ includePaid: value }), ['400 invalid_body']);
  for (const body of ['null', '[]', '"yes"', '1', '{"everything":true}', '{"__proto__":{"includePaid":true}}', '{"includePaid":true,"x":1}']) {
    clear(body, ['400 invalid_body', '400 unknown_field']);
  }
  clear('{"includePaid":', ['400 invalid_json']);
  clear(BAD_UTF8[0]!, ['400 invalid_encoding']);
  clear(json({ includePaid: 'x'.repeat(100_000) }), ['413 body_too_large']);
  // pause/resume ignore their body, but it must still be JSON (and small): a bad one must not pause anything.
  for (const path of ['/api/queue/pause', '/api/queue/resume']) {
    for (const body of ['{', 'NaN', '<xml/>']) cases.push({ entry, name: `${path} ${body}`, method: 'POST', path, headers: JSON_TYPE, body, expect: ['400 invalid_json'] });
    cases.push({ entry, name: `${path} bad UTF-8`, method: 'POST', path, body: BAD_UTF8[1]!, expect: ['400 invalid_encoding'] });
    cases.push({ entry, name: `${path} 1 MB`, method: 'POST', path, body: 'x'.repeat(1024 * 1024), expect: ['413 body_too_large'] });
  }
  const queries = ['format=xml', 'format=JSON', 'format[]=json', 'format=json&format=srt', 'limit=-1', 'limit=0', 'limit=1e309', 'limit=NaN',
    'limit=10001', 'limit=99999999999999999999', 'limit=%00', 'limit[]=-1', 'limit=1.5', 'format=%3Cscript%3E', 'limit[a]=1'];
  for (const q of queries) cases.push({ entry, name: `GET /api/history?${q}`, method: 'GET', path: `/api/history?${q}`, expect: ['400 invalid_query'] });
  // Accepted: coercible numbers, repeated-as-array values and unknown parameters.
  for (const q of ['limit=1e3', 'limit=0x10', 'limit[]=1', 'format=vtt&_=%3Cscript%3E', 'format=srt&limit=%201', '__proto__[x]=1', 'constructor=1']) {
    cases.push({ entry, name: `GET /api/history?${q}`, method: 'GET', path: `/api/history?${q}`, expect: ['200'] });
  }
  cases.push({ entry, name: 'GET /api/queue?__proto__=1', method: 'GET', path: '/api/queue?__proto__[polluted]=1&constructor[prototype][polluted]=1', expect: ['200'] });
  cases.push({ entry, name: 'GET /api/nope', method: 'GET', path: '/api/nope', expect: ['404 not_found'] });
  cases.push({ entry, name: 'GET /api/queue/x/y/z', method: 'GET', path: '/api/queue/x/y/z', expect: ['404 not_found'] });
  return cases;
}

/** Pages, static files and unknown paths (no token involved). */
function pageCases({ overlayKey }: Secrets): HttpCase[] {
  const entry = 'http pages and static files';
  const get = (path: string, expect: string[]): HttpCase => ({ entry, name: `GET ${path.slice(0, 60)}`, method: 'GET', path, auth: false, expect });
  return [
    get(`/overlay?key=${encodeURIComponent('<script>window.__pwned=1</script>')}`, ['200']),
    get(`/overlay?key=${overlayKey}&font=${encodeURIComponent('"><script>x</script>')}&color=${encodeURIComponent('red;background:url(x)')}`, ['200']),
    get('/panel?token=%3Cscript%3E', ['200']),
    get('/static/nope.js', ['404 not_found']),
    get('/static/', ['404 not_found', '403 forbidden']),
    get('/static/..%2f..%2fpackage.json', ['404 not_found', '403 forbidden', '400 bad_request']),
    get('/static/%2e%2e/%2e%2e/package.json', ['404 not_found', '403 forbidden', '400 bad_request']),
    get('/static/..\\..\\package.json', ['404 not_found', '403 forbidden', '400 bad_request']),
    get('/static/%00', ['404 not_found', '400 bad_request']),
    get('/static/%E0%A4%A', ['404 not_found', '400 bad_request']),
    get('/static/.env', ['404 not_found', '403 forbidden']),
    get(`/static/${'a/'.repeat(2000)}x`, ['404 not_found']),
    get('/', ['200']), // the landing page (no secret in it)
    get('/?token=%3Cscript%3E', ['200']),
    get('/.git/config', ['404 not_found']),
    get('/socket.io/socket.io.js', ['400 engine.io']),
    get('/healthz?<script>', ['200']),
    get('/metrics', ['200']),
    { entry, name: 'POST /healthz', method: 'POST', path: '/healthz', auth: false, body: '{}', expect: ['404 not_found'] },
    { entry, name: 'DELETE /overlay', method: 'DELETE', path: '/overlay', auth: false, expect: ['404 not_found'] },
  ];
}

export function httpCorpus(secrets: Secrets): HttpCase[] {
  return [...captionCases(), ...headerCases(secrets), ...queueCases(), ...pageCases(secrets)];
}

// ---------------------------------------------------------------- ASR WebSocket

export interface AsrLineCase {
  name: string;
  /** One text frame (may hold several lines), or a binary frame. */
  frame: string | Buffer;
  /** 'event' = accepted (a subtitle line reaches overlays), else the error code answered on the socket. */
  expect: 'event' | string;
}

export function asrLineCorpus(): AsrLineCase[] {
  const cases: AsrLineCase[] = [];
  HOSTILE_LIST.forEach(({ category, value }, i) => {
    const line = json({ text: value, final: i % 2 === 0 });
    cases.push({ name: `text ${category}#${i}`, frame: line, expect: Buffer.byteLength(line) > 4096 ? 'line_too_long' : 'event' });
  });
  for (const line of ['hello', '{', '{"text":}', 'NaN', '<script>x</script>', '\u0000\u0001', "{'text':'x','final':true}", '{"text":"x","final":true}}']) {
    cases.push({ name: `not JSON ${line.slice(0, 20)}`, frame: line, expect: 'invalid_json' });
  }
  ANY_VALUES.forEach((value, i) => {
    cases.push({ name: `text=${json(value)}`, frame: json({ text: value, final: true }), expect: typeof value === 'string' ? 'event' : 'invalid_line' });
    cases.push({ name: `final=${json(value)}`, frame: json({ text: `final ${i}`, final: value }), expect: typeof value === 'boolean' ? 'event' : 'invalid_line' });
    const tag = typeof value === 'string' && /^[A-Za-z]{2,3}$/.test(value);
    cases.push({ name: `lang=${json(value)}`, frame: json({ text: `lang ${i}`, final: false, lang: value }), expect: tag ? 'event' : 'invalid_line' });
    cases.push({ name: `line ${json(value)}`, frame: json(value), expect: 'invalid_line' });
  });
  for (const lang of ['<script>', 'en\u0000', 'x'.repeat(50), 'en-US-x-'.repeat(5), '../etc', 'zh-CN']) {
    cases.push({ name: `lang ${lang.slice(0, 12)}`, frame: json({ text: 'lang', final: false, lang }), expect: lang === 'zh-CN' ? 'event' : 'invalid_line' });
  }
  cases.push({ name: 'no text', frame: '{"final":true}', expect: 'invalid_line' });
  cases.push({ name: 'no final', frame: '{"text":"x"}', expect: 'invalid_line' });
  cases.push({ name: 'final via __proto__', frame: '{"text":"x","__proto__":{"final":true}}', expect: 'invalid_line' });
  cases.push({ name: 'extra fields ignored', frame: '{"text":"extra","final":false,"constructor":1,"confidence":0.5}', expect: 'event' });
  cases.push({ name: 'deeply nested text', frame: `{"text":${'['.repeat(1500)}${']'.repeat(1500)},"final":true}`, expect: 'invalid_line' });
  cases.push({ name: 'line of 5 KB', frame: json({ text: 'x'.repeat(5000), final: true }), expect: 'line_too_long' });
  cases.push({ name: 'binary frame', frame: Buffer.from('{"text":"binary","final":true}'), expect: 'binary_frame' });
  cases.push({ name: 'binary noise frame', frame: noise(3, 1000), expect: 'binary_frame' });
  return cases;
}

/** Connection-level ASR cases: the upgrade request itself, or what a whole connection does. */
export interface AsrConnectionCase {
  name: string;
  path: string;
  headers?: Record<string, string>;
  /** An HTTP status refusing the upgrade (with its error code), or 'open'. */
  expect: string;
}

export function asrConnectionCorpus({ token, overlayKey }: Secrets): AsrConnectionCase[] {
  const q = (t: string) => `/ingest/asr?token=${encodeURIComponent(t)}`;
  return [
    { name: 'no token', path: '/ingest/asr', expect: '401 unauthorized' },
    { name: 'empty token', path: q(''), expect: '401 unauthorized' },
    { name: 'wrong token', path: q('wrong'), expect: '401 unauthorized' },
    { name: 'overlay key', path: q(overlayKey), expect: '401 unauthorized' },
    { name: 'token prefix', path: q(token.slice(0, 8)), expect: '401 unauthorized' },
    { name: '10 KB token', path: q('x'.repeat(10_000)), expect: '401 unauthorized' },
    { name: 'token with a space', path: q(` ${token}`), expect: '401 unauthorized' },
    { name: 'two token params, wrong first', path: `/ingest/asr?token=wrong&token=${token}`, expect: '401 unauthorized' },
    { name: 'wrong Bearer header beats a right query', path: q(token), headers: { Authorization: 'Bearer wrong' }, expect: '401 unauthorized' },
    { name: 'Basic header', path: '/ingest/asr', headers: { Authorization: `Basic ${token}` }, expect: '401 unauthorized' },
    { name: 'cross-origin page with the token', path: q(token), headers: { Origin: 'http://evil.example' }, expect: '403 forbidden_origin' },
    { name: 'Origin null with the token', path: q(token), headers: { Origin: 'null' }, expect: '403 forbidden_origin' },
    { name: 'trailing slash', path: `/ingest/asr/?token=${token}`, expect: '404 not_found' },
    { name: 'upper case path', path: `/ingest/ASR?token=${token}`, expect: '404 not_found' },
    { name: 'Bearer header', path: '/ingest/asr', headers: { Authorization: `Bearer ${token}` }, expect: 'open' },
    { name: 'query token', path: q(token), expect: 'open' },
  ];
}

// ---------------------------------------------------------------- chat sources

/** Hostile IRC lines: tag, prefix and parameter damage, for the Twitch parser and source. */
export function ircCorpus(channel: string): string[] {
  const msg = (tags: string, text: string, prefix = ':viewer!viewer@viewer.tmi.twitch.tv') => `@${tags} ${prefix} PRIVMSG #${channel} :${text}`;
  const badTags = [
    '', ';', ';;;;', '=', '==', 'a', 'a=', '=b', 'a=b=c', 'badges=/,/,//;', 'display-name=\\', 'display-name=a\\', 'display-name=\\x\\y\\z',
    'display-name=evil\\r\\nPRIVMSG\\s#x\\s:pwned', 'display-name=<script>window.__pwned=1</script>', `display-name=${'x'.repeat(5000)}`,
    '__proto__=polluted', 'constructor=x;hasOwnProperty=y', `${'k'.repeat(3000)}=v`, Array.from({ length: 500 }, (_, i) => `t${i}=v`).join(';'),
    'bits=-100', 'bits=1e309', 'bits=NaN', 'bits=99999999999999999999', 'mod=1;badges=broadcaster/1;display-name=fake\\sbroadcaster',
    'id=', 'id=../../x', 'user-id=__proto__',
  ];
  const badEmotes = ['25:0-4', '25:4-0', '25:-1-3', '25:0-999999999', '25:999999999-1000000000', '25:a-b', '25:', ':0-1', '25:0-1,,,', '/////',
    `${'25:0-1,'.repeat(2000)}`, '25:0-1/25:0-1/25:0-1', '1:0-', '1:-'];
  const texts = ['!tts hostile chat line', '\u0001ACTION !tts acts\u0001', '\u0001ACTION', '!tts', '!tts     ', `!tts ${'y'.repeat(2000)}`];
  const lines: string[] = [];
  for (const tags of badTags) for (const text of texts.slice(0, 3)) lines.push(msg(tags, text));
  for (const emotes of badEmotes) lines.push(msg(`emotes=${emotes}`, '!tts Kappa Keepo emote text'));
  HOSTILE_LIST.forEach(({ value }) => lines.push(msg('display-name=hostile', `!tts ${value}`)));
  lines.push(
    '', ' ', '@', '@ ', ':', ': ', '@a=b :', 'PRIVMSG', `PRIVMSG #${channel}`, `PRIVMSG #${channel} :`, ':nick PRIVMSG',
    `${'@'.repeat(10)} PING`, `PING :${'p'.repeat(20_000)}`, `PRIVMSG #${channel} :!tts ${'2 MB line '.repeat(200_000)}`, `@${'x'.repeat(20_000)} PING :x`, 'PING :a\nPRIVMSG #other :smuggled',
    'PING :evil\rJOIN #evil', 'PING\u0000 :nul', `:tmi.twitch.tv CLEARCHAT #${channel} :`, `:tmi.twitch.tv CLEARCHAT #${channel}`,
    `@target-msg-id= :tmi.twitch.tv CLEARMSG #${channel} :x`, `@msg-id=resub :tmi.twitch.tv USERNOTICE #${channel}`,
    `@msg-id=__proto__ :tmi.twitch.tv USERNOTICE #${channel} :x`, ':tmi.twitch.tv NOTICE * :<script>window.__pwned=1</script>', 'RECONNEC extra params',
    `:x ${'A'.repeat(1000)}`, `PRIVMSG ${' '.repeat(1000)}#${channel} :spaces`, `${'a '.repeat(5000)}`, '\uFEFFPING :bom',
  );
  return lines;
}

/** Command names every plain object has: a lookup table keyed by `cmd` must not find them. */
export const PROTOTYPE_COMMANDS = ['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf', 'DANMU_MSG:constructor'].map((cmd) => json({ cmd }))
  .concat(['{"cmd":"constructor:4:0"}']);

export interface PacketCase {
  name: string;
  frame: Buffer;
}

function packet(operation: number, protover: number, body: Buffer, header: { length?: number; headerBytes?: number } = {}): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32BE(header.length ?? 16 + body.length, 0);
  h.writeUInt16BE(header.headerBytes ?? 16, 4);
  h.writeUInt16BE(protover, 6);
  h.writeUInt32BE(operation, 8);
  h.writeUInt32BE(1, 12);
  return Buffer.concat([h, body]);
}

/** Hostile Bilibili frames: lengths, protocol versions, bombs, packet floods and command bodies. */
export function bilibiliCorpus(): PacketCase[] {
  const cmd = (value: unknown) => packet(5, 0, Buffer.from(typeof value === 'string' ? value : json(value)));
  const danmaku = (text: unknown, user: unknown = [1, 'hostile']) => ({ cmd: 'DANMU_MSG', info: [[0, 1, 25, 0, 0, 0, 0, '', 0, 0, 0, '', 0, '{}', '{}', {}], text, user] });
  const cases: PacketCase[] = [];
  const add = (name: string, frame: Buffer) => void cases.push({ name, frame });
  for (let n = 0; n < 16; n += 3) add(`${n} bytes`, noise(n + 11, n));
  for (const length of [0, 1, 15, 17, 0xffffffff, 1 << 30]) add(`packet length ${length}`, packet(5, 0, Buffer.from('{}'), { length }));
  for (const headerBytes of [0, 1, 15, 18, 0xffff]) add(`header length ${headerBytes}`, packet(5, 0, Buffer.from('{"cmd":"X"}'), { headerBytes }));
  for (const protover of [4, 5, 7, 255, 0xffff]) add(`protover ${protover}`, packet(5, protover, Buffer.from('{"cmd":"X"}')));
  for (const operation of [0, 1, 4, 6, 9, 0xffffffff]) add(`operation ${operation}`, packet(operation, 0, Buffer.from('{"cmd":"X"}')));
  add('corrupt zlib', packet(5, 2, Buffer.from('not zlib at all')));
  add('corrupt brotli', packet(5, 3, noise(5, 300)));
  add('truncated zlib', packet(5, 2, deflateSync(cmd({ cmd: 'X' })).subarray(0, 5)));
  add('zlib in zlib', packet(5, 2, deflateSync(packet(5, 2, deflateSync(cmd({ cmd: 'X' }))))));
  add('brotli in zlib', packet(5, 2, deflateSync(packet(5, 3, brotliCompressSync(cmd({ cmd: 'X' }))))));
  const filler = (bytes: number) => packet(5, 0, Buffer.alloc(bytes - 16, 0x20));
  add('zlib bomb: 24 KB → 24 MB', packet(5, 2, deflateSync(filler(24 * 1024 * 1024))));
  add('brotli bomb: → 24 MB', packet(5, 3, brotliCompressSync(filler(24 * 1024 * 1024))));
  const smallBomb = packet(5, 2, deflateSync(filler(4 * 1024 * 1024)));
  add('50 zlib bombs of 4 MB in one frame', Buffer.concat(Array.from({ length: 50 }, () => smallBomb)));
  add('20,000 empty packets', Buffer.concat(Array.from({ length: 20_000 }, () => packet(3, 1, Buffer.alloc(0)))));
  add('zlib of 20,000 packets', packet(5, 2, deflateSync(Buffer.concat(Array.from({ length: 20_000 }, () => packet(3, 1, Buffer.alloc(0)))))));
  // Command bodies: valid packets, hostile JSON.
  for (const body of ['not json', '', 'null', '[]', '{"cmd":null}', '{"cmd":"DANMU_MSG"}', '{"cmd":"DANMU_MSG","info":null}', '{"cmd":"DANMU_MSG","info":[]}',
    '{"cmd":"DANMU_MSG","info":"x"}', '{"cmd":"SEND_GIFT","data":null}', '{"cmd":"SEND_GIFT","data":{"num":-1,"total_coin":1e309}}',
    '{"cmd":"SUPER_CHAT_MESSAGE","data":{"price":"NaN","message":null}}', '{"cmd":"SUPER_CHAT_MESSAGE_DELETE","data":{"ids":"x"}}',
    '{"cmd":"ROOM_BLOCK_MSG","uid":{},"uname":[]}', '{"__proto__":{"cmd":"DANMU_MSG"}}', `${'['.repeat(5000)}${']'.repeat(5000)}`,
    ...PROTOTYPE_COMMANDS]) {
    add(`command ${body.slice(0, 30)}`, cmd(body));
  }
  for (const value of ANY_VALUES) add(`danmaku text ${json(value)}`, cmd(danmaku(value)));
  for (const value of ANY_VALUES) add(`danmaku user ${json(value)}`, cmd(danmaku('hostile user field', value)));
  HOSTILE_LIST.forEach(({ category, value }, i) => add(`danmaku ${category}#${i}`, cmd(danmaku(value, [1000 + i, `hostile${i}`]))));
  add('8 MB of JSON through zlib', packet(5, 2, deflateSync(cmd({ cmd: 'DANMU_MSG', info: [[], 'x'.repeat(7 * 1024 * 1024), [1, 'big']] }))));
  return cases;
}

// ---------------------------------------------------------------- Socket.IO

export interface SocketCase {
  name: string;
  event: string;
  /** Arguments after the event name (no ack). */
  args: unknown[];
}

const WRONG_PAYLOADS: readonly unknown[][] = [
  [], [null], [42], ['str'], [[]], [[1, 2]], [{}], [{ id: 42 }], [{ id: null }], [{ id: '' }], [{ id: 'x'.repeat(65) }], [{ id: 'x'.repeat(10_000) }],
  [{ id: { toString: 'x' } }], [{ id: ['a'] }], [{ id: 'no-such-id', atMs: 'soon' }], [{ id: 'no-such-id', atMs: 1e308 }], [{ id: '__proto__' }],
  [{ id: 'constructor' }], [{ id: 'no-such-id' }, 'extra', 'args'], [{ version: { nested: { deep: [1, 2, 3] } } }],
];

/** Overlay → relay events with wrong payloads, acks for ids that do not exist, and events overlays do not have. */
export function overlaySocketCorpus(): SocketCase[] {
  const cases: SocketCase[] = [];
  for (const event of ['playback:start', 'playback:end', 'overlay:hello']) {
    WRONG_PAYLOADS.forEach((args, i) => cases.push({ name: `${event} #${i}`, event, args }));
  }
  for (let i = 0; i < 20; i++) cases.push({ name: `ack for unknown id #${i}`, event: i % 2 ? 'playback:end' : 'playback:start', args: [{ id: `nonexistent-${i}`, atMs: i }] });
  for (const event of UNKNOWN_EVENTS) cases.push({ name: `unknown event ${event.slice(0, 20)}`, event, args: [{ id: 'x' }] });
  return cases;
}

export const UNKNOWN_EVENTS = ['caption:send', 'queue:skip', 'admin:shutdown', 'utterance:start', 'audio:chunk', '__proto__', 'constructor', 'toString',
  'hasOwnProperty', 'x'.repeat(1000), ' ', 'playback:END'];

export interface PanelCase {
  name: string;
  event: string;
  args: unknown[];
  /** Expected ack: 'ok' or an error code. */
  expect: string;
}

/** Panel commands with wrong payloads (answered through the ack), and events the panel does not have. */
export function panelSocketCorpus(): PanelCase[] {
  const cases: PanelCase[] = [];
  const send = (name: string, args: unknown[], expect: string) => void cases.push({ name: `caption:send ${name}`, event: 'caption:send', args, expect });
  WRONG_PAYLOADS.forEach((args, i) => send(`wrong #${i}`, args, 'invalid_body'));
  for (const value of ANY_VALUES) {
    send(`text=${json(value)}`, [{ text: value }], typeof value !== 'string' ? 'invalid_body' : value.trim() === '' ? 'empty_text' : 'ok');
  }
  HOSTILE_LIST.forEach(({ category, value }, i) => {
    if (i % 4 === 0) send(`${category}#${i}`, [{ text: value }], 'ok|empty_text|text_too_long');
  });
  send('10,000 chars', [{ text: 'x'.repeat(10_000) }], 'text_too_long');
  WRONG_PAYLOADS.forEach((args, i) => cases.push({ name: `queue:skip #${i}`, event: 'queue:skip', args, expect: 'not_found|invalid_body' }));
  for (const event of [...UNKNOWN_EVENTS.filter((e) => e !== 'caption:send' && e !== 'queue:skip'), 'playback:end', 'overlay:hello']) {
    cases.push({ name: `unknown event ${event.slice(0, 20)}`, event, args: [{ id: 'x' }], expect: 'unknown_event' });
  }
  return cases;
}
