import { startChildRelay } from './child-relay.ts';
import { AckOverlay } from './ack-overlay.ts';
const t0 = Date.now();
const relay = await startChildRelay({ env: { RELAY_MAX_QUEUED: '5000', RELAY_DEDUPE_WINDOW_MS: '0', RELAY_ACK_GRACE_MS: '2000' } });
console.log('started in', Date.now() - t0, relay.url);
const ov = new AckOverlay();
await ov.connect(relay.url, relay.overlayKey);
const t1 = Date.now();
const ids: string[] = [];
let next = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  while (next < 300) { const i = next++; const r = await relay.post('/api/captions', { text: i % 2 ? `短消息 ${i}` : `msg ${i}`, user: `v${i % 5}` }); if (r.status === 202) ids.push(((await r.json()) as any).id); else console.log(r.status, await r.text()); }
}));
console.log('posted', ids.length, 'in', Date.now() - t1, 'ends so far', ov.ends.length);
while (true) {
  const q = (await (await relay.get('/api/queue')).json()) as any;
  const active = q.items.filter((i: any) => ['queued', 'synthesizing', 'playing'].includes(i.state)).length;
  if (active === 0) break;
  await new Promise((r) => setTimeout(r, 200));
}
console.log('drained in', Date.now() - t1, 'ends', ov.ends.length);
ov.disconnect();
console.log(await relay.kill('SIGTERM'));

const warned = [...relay.output().matchAll(/"id":"([0-9a-f-]+)","msg":"no playback:end ack/g)].map(m=>m[1]);
const Database = (await import('better-sqlite3')).default; const db = new Database(relay.dataDir + '/relay.db', { readonly: true });
for (const id of warned) console.log(db.prepare('select state, reason, first_audio_ms, played_at_ms, updated_at_ms, received_at_ms, duration_ms from utterances where id=?').get(id));
for (const id of warned) console.log(id, 'ends', ov.ends.filter(e=>e.id===id).length, 'starts', ov.starts.filter(e=>e.id===id).length, 'idx', ov.ends.findIndex(e=>e.id===id), 'postedIdx', ids.indexOf(id));

