/**
 * Health: each overlay (socket, connected since, last ack, playing right now), the engine
 * chain (reasons, spoken-by, fallbacks, retries, throttled waits, pool), each source
 * (connected, messages/min, last error) and OBS, with "ensure overlay in OBS" when configured.
 */
import type { EndpointStatus } from '../../../server/src/core/engine.ts';
import type { PanelHealth, PanelOverlayStatus, PanelSourceStatus } from '../../../server/src/core/protocol.ts';
import { byId, h, type Child } from '../lib/dom.ts';
import { command, health$, init$, relayNowMs } from './connection.ts';
import { formatHoursMinutes, formatSince } from './format.ts';
import type { LabelKey } from './i18n.ts';
import { labelled, lang$, t } from './lang.ts';
import { notify, run } from './notice.ts';

function kv(key: LabelKey, ...value: Child[]): HTMLElement {
  return h('div', { class: 'kv' }, labelled('dt', key), h('dd', {}, ...value));
}

/** yes/no in words; `false` is shown as a problem unless `falseIsFine`. */
function flag(ok: boolean, yes: LabelKey = 'yes', no: LabelKey = 'no', falseIsFine = false): HTMLElement {
  return labelled('span', ok ? yes : no, { class: ok ? 'flag ok' : falseIsFine ? 'flag' : 'flag bad' });
}

const counts = (record: Record<string, number>): string =>
  Object.entries(record)
    .map(([name, n]) => `${name}: ${n}`)
    .join(', ') || '0';

function overlayCard(o: PanelOverlayStatus, nowMs: number): HTMLElement {
  const ack = o.lastAck ? `${o.lastAck.type} · ${formatSince(o.lastAck.atMs, nowMs)}` : '—';
  return h(
    'dl',
    { class: 'card-list overlay-status', 'data-socket': o.socketId, 'data-playing': String(o.playingId !== undefined) },
    kv('socket', h('code', {}, o.socketId), o.version ? ` v${o.version}` : ''),
    kv('connectedSince', formatSince(o.connectedAtMs, nowMs)),
    kv('lastAck', ack),
    kv('playingNow', flag(o.playingId !== undefined, 'yes', 'no', true), o.playingId ? h('code', { class: 'id' }, ` ${o.playingId.slice(0, 8)}`) : ''),
  );
}

function renderOverlays(health: PanelHealth, nowMs: number): Child[] {
  if (health.overlays.length === 0) return [labelled('p', 'noOverlays', { class: 'hint bad' })];
  return health.overlays.map((o) => overlayCard(o, nowMs));
}

/** An engine's name, whether it can speak, and why not. */
function engineLine(name: string, healthy: boolean, why: string | undefined): Child[] {
  return [h('strong', {}, name), ' ', flag(healthy, 'healthy', 'unhealthy'), why ? ` — ${why}` : ''];
}

/** Each server of a network engine: whether it answered its last probe or request, and when. */
function endpointList(endpoints: readonly EndpointStatus[], nowMs: number): Child {
  if (endpoints.length === 0) return false;
  const item = (s: EndpointStatus) =>
    h(
      'li',
      { class: 'endpoint-status', 'data-url': s.url, 'data-reachable': String(s.reachable) },
      h('code', {}, s.url),
      ' ',
      s.checkedAtMs === 0 ? labelled('span', 'notChecked', { class: 'flag' }) : flag(s.reachable, 'reachable', 'unreachable'),
      s.checkedAtMs > 0 ? ` · ${formatSince(s.checkedAtMs, nowMs)}` : '',
      s.detail !== undefined && h('span', { class: s.reachable ? 'hint block' : 'bad block' }, s.detail),
    );
  return h('ul', { class: 'endpoints' }, ...endpoints.map(item));
}

function renderEngine({ engine }: PanelHealth, nowMs: number): Child[] {
  const waits = engine.throttledWaits;
  const pool = engine.pool.map((p) => `${p.engine} ${p.endpoint}: ${p.idle} / ${p.busy}`).join('; ');
  const details = h(
    'dl',
    { class: 'card-list' },
    kv('engine', ...engineLine(engine.name, engine.healthy, engine.detail)),
    kv('spokenBy', counts(engine.spokenBy)),
    kv('failovers', counts(engine.failovers)),
    kv('retries', String(engine.retries)),
    kv('instructIgnored', String(engine.instructIgnored)),
    kv('throttledWaits', `${waits.count} (${Math.round(waits.totalMs)} ms)`),
    pool !== '' && kv('pool', pool),
  );
  const chain = engine.chain.map((e) =>
    h('li', { 'data-healthy': String(e.healthy) }, ...engineLine(e.name, e.healthy, e.reason), endpointList(e.endpoints ?? [], nowMs)),
  );
  return [details, h('ol', { class: 'chain' }, ...chain)];
}

/** Connected, idle (a source feeds connect to, with none connected and no error), or not connected. */
function sourceFlag(s: PanelSourceStatus): HTMLElement {
  if (s.connected || !s.listens || s.lastError !== undefined) return flag(s.connected, 'conn.connected', 'conn.idle');
  return labelled('span', 'src.waiting', { class: 'flag', 'data-idle': 'true', title: t('src.waitingHint') });
}

function renderSources({ sources }: PanelHealth): Child[] {
  return sources.map((s) =>
    h(
      'p',
      { class: 'source-status', 'data-source': s.name, 'data-connected': String(s.connected) },
      h('strong', {}, s.name),
      ' ',
      sourceFlag(s),
      ` · ${s.messagesPerMin} `,
      labelled('span', 'messagesPerMin'),
      s.popularity !== undefined && ` · ${t('popularity')} ${s.popularity}`,
      s.quota !== undefined &&
        h(
          'span',
          { class: 'block', 'data-quota-used': String(s.quota.usedUnits) },
          `${t('quota')} ${s.quota.usedUnits} / ${s.quota.dailyUnits} · ${t('quotaLasts')} ${formatHoursMinutes(s.quota.lastsMs)} · ${t('quotaResets')} ${formatHoursMinutes(s.quota.resetsInMs)}`,
        ),
      s.malformedFrames !== undefined && ` · ${s.malformedFrames} ${t('malformedFrames')}`,
      s.lastError !== undefined && h('span', { class: 'bad block' }, `${t('lastError')}: ${s.lastError}`),
      ...(s.notices ?? []).map((notice) => labelled('span', `notice.${notice}`, { class: 'warn block', 'data-notice': notice })),
    ),
  );
}

function renderObs({ obs }: PanelHealth): Child[] {
  if (!obs) return [labelled('p', 'obsOff', { class: 'hint' })];
  const browserSource = obs.browserSourceAvailable ? labelled('span', 'available') : labelled('span', 'textFallback', { class: 'bad' });
  return [
    h(
      'dl',
      { class: 'card-list' },
      kv('obsConnected', flag(obs.connected)),
      kv('streaming', flag(obs.streaming, 'yes', 'no', true)),
      kv('browserSource', browserSource),
      obs.currentScene !== undefined && kv('scene', obs.currentScene),
      kv('pausedByScene', flag(obs.paused, 'yes', 'no', true)),
      obs.lastError !== undefined && kv('lastError', h('span', { class: 'bad' }, obs.lastError)),
    ),
  ];
}

function show(id: string, children: Child[]): void {
  byId(id).replaceChildren(...children.filter((c): c is Node => c instanceof Node));
}

function render(): void {
  const health = health$.value;
  if (!health) return;
  show('overlays-body', renderOverlays(health, relayNowMs()));
  show('engine-body', renderEngine(health, relayNowMs()));
  show('sources-body', renderSources(health));
  show('obs-body', renderObs(health));
  const playing = health.overlays.some((o) => o.playingId !== undefined);
  const badge = byId('overlay-badge');
  badge.textContent = `${t('overlays')}: ${health.overlays.length}${playing ? ' ▶' : ''}`;
  badge.dataset.state = health.overlays.length === 0 ? 'bad' : 'ok';
}

export function setUpHealth(): void {
  const ensure = byId<HTMLButtonElement>('ensure-overlay');
  ensure.addEventListener('click', () =>
    void run(ensure, async () => {
      const { outcome, sceneName, inputName } = await command('obs:ensure-overlay', {});
      notify(`${t('ensured')}: ${inputName} @ ${sceneName} (${outcome})`);
    }),
  );
  init$.subscribe((init) => (ensure.hidden = !init?.obsConfigured));
  health$.subscribe(render);
  lang$.subscribe(render);
}
