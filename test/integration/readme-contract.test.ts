/**
 * Issue 12, "README vs behaviour": the fields the README's HTTP API table documents for
 * `GET /healthz`, `GET /api/queue` and `GET /api/history` are what a real relay answers.
 * The test reads the table itself: each route's first `{…}` shape in its answers cell
 * (`field` required, `field?` optional, `field: [{…}]` a list of objects). Every required
 * field must be present, no field may be undocumented, and a readout that played must carry
 * its waitMs, firstAudioMs and durationMs (the README promises them). Also: `GET /` in a
 * browser is a page that leads to the panel, without the token.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckOverlay } from '../support/ack-overlay.ts';
import { startChildRelay, type ChildRelay } from '../support/child-relay.ts';

interface Shape {
  fields: Map<string, { optional: boolean; items?: Shape }>;
}

/** `{a, b?, c: [{d}], e?: [{f}]}` → Shape (only what the README uses). */
function parseShape(text: string): Shape {
  let i = 0;
  const skip = () => {
    while (/[\s,]/u.test(text[i] ?? '')) i++;
  };
  const object = (): Shape => {
    if (text[i] !== '{') throw new Error(`expected { at ${i} in ${text}`);
    i++;
    const fields: Shape['fields'] = new Map();
    for (skip(); text[i] !== '}'; skip()) {
      const name = /^[A-Za-z]+/u.exec(text.slice(i))?.[0];
      if (!name) throw new Error(`expected a field name at ${i} in ${text}`);
      i += name.length;
      const optional = text[i] === '?';
      if (optional) i++;
      let items: Shape | undefined;
      if (text[i] === ':') {
        i++;
        skip();
        if (text[i] !== '[') throw new Error(`expected [ at ${i} in ${text}`);
        i++;
        items = object();
        if (text[i] !== ']') throw new Error(`expected ] at ${i} in ${text}`);
        i++;
      }
      fields.set(name, { optional, ...(items ? { items } : {}) });
    }
    i++;
    return { fields };
  };
  return object();
}

/** The documented shape of `route` (e.g. "GET /api/queue") from the README's HTTP API table. */
function documentedShape(readme: string, route: string): Shape {
  const row = readme.split('\n').find((line) => line.startsWith(`| \`${route}`));
  if (!row) throw new Error(`README's HTTP API table has no row for ${route}`);
  const answers = row.split(' | ').slice(2).join(' | ');
  const shape = /`(\{[^`]*\})`/u.exec(answers)?.[1];
  if (!shape) throw new Error(`the README row of ${route} documents no {…} shape`);
  return parseShape(shape);
}

/** Problems of `value` against `shape`, as paths. */
function mismatches(value: Record<string, unknown>, shape: Shape, path = ''): string[] {
  const problems: string[] = [];
  for (const [name, field] of shape.fields) {
    const present = Object.hasOwn(value, name) && value[name] !== undefined;
    if (!present && !field.optional) problems.push(`${path}${name}: documented, missing`);
    if (present && field.items) {
      const list = value[name];
      if (!Array.isArray(list)) problems.push(`${path}${name}: documented as a list`);
      else list.forEach((item, n) => problems.push(...mismatches(item as Record<string, unknown>, field.items!, `${path}${name}[${n}].`)));
    }
  }
  for (const name of Object.keys(value)) if (!shape.fields.has(name)) problems.push(`${path}${name}: answered, not documented`);
  return problems;
}

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
let relay: ChildRelay;
const overlay = new AckOverlay({ playbackMs: 50 });

beforeAll(async () => {
  relay = await startChildRelay();
  await overlay.connect(relay.url, relay.overlayKey);
  for (const text of ['first hour', 'second one']) expect((await relay.post('/api/captions', { text, user: 'viewer' })).status).toBe(202);
  const deadline = Date.now() + 20_000;
  while (overlay.acks.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(overlay.acks.length).toBe(2);
});

afterAll(async () => {
  overlay.disconnect();
  await relay?.kill();
});

describe('the README’s HTTP API table parses', () => {
  it('reads shapes with optional fields and lists', () => {
    const shape = parseShape('{items: [{id, a?, b?: [{c}]}]}');
    expect(shape.fields.get('items')?.items?.fields.get('b')).toMatchObject({ optional: true, items: { fields: new Map([['c', { optional: false }]]) } });
  });
});

describe('documented fields are answered', () => {
  it('GET /healthz', async () => {
    const body = (await (await fetch(`${relay.url}/healthz`)).json()) as Record<string, unknown>;
    expect(mismatches(body, documentedShape(readme, 'GET /healthz'))).toEqual([]);
  });

  it('GET /api/queue, with waitMs, firstAudioMs and durationMs on played readouts', async () => {
    const body = (await (await relay.get('/api/queue')).json()) as { items: Record<string, unknown>[] };
    expect(mismatches(body, documentedShape(readme, 'GET /api/queue'))).toEqual([]);
    const played = body.items.filter((item) => item.state === 'played');
    expect(played).toHaveLength(2);
    for (const item of played) expect(Object.keys(item)).toEqual(expect.arrayContaining(['waitMs', 'firstAudioMs', 'durationMs']));
  });

  it('GET /api/history', async () => {
    const body = (await (await relay.get('/api/history')).json()) as { items: Record<string, unknown>[] };
    expect(mismatches(body, documentedShape(readme, 'GET /api/history?format=json'))).toEqual([]);
    expect(body.items).toHaveLength(2);
    for (const item of body.items) expect(Object.keys(item)).toEqual(expect.arrayContaining(['waitMs', 'firstAudioMs', 'playedAtMs', 'durationMs']));
  });
});

describe('GET / in a browser', () => {
  it('is a page that leads to the panel and says where the token is printed, without the secrets', async () => {
    const response = await fetch(`${relay.url}/`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/u);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/u);
    const page = await response.text();
    expect(page).toContain('href="/panel"');
    expect(page).toMatch(/terminal where you started the relay/u);
    expect(page).not.toContain(relay.token);
    expect(page).not.toContain(relay.overlayKey);
  });
});
