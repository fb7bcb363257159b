import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EngineError } from '../../server/src/core/errors.ts';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import { createInMemoryEngineMetrics } from '../../server/src/core/engine-kit/in-memory-engine-metrics.ts';
import { createEmbeddedEngine } from './index.ts';

const crashWorker = new URL('./fixtures/crash-worker.mjs', import.meta.url);

describe('embedded engine: worker crash', () => {
  let engine: TtsEngine;
  const metrics = createInMemoryEngineMetrics();
  beforeAll(async () => {
    engine = await createEmbeddedEngine({ workerUrl: crashWorker, metrics });
  });
  afterAll(() => engine.close());

  it('fails the in-flight request as retryable, restarts the worker and runs the queued one', async () => {
    const crashed = lastValueFrom(engine.synthesize({ id: 'a', text: 'please crash' }).pipe(toArray()));
    const queued = lastValueFrom(engine.synthesize({ id: 'b', text: 'hello' }).pipe(toArray()));
    const error = await crashed.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'engine_crashed', retryable: true });
    expect((await queued).filter((o) => o.kind === 'audio')).toHaveLength(1);
    expect(engine.healthy()).toBe(true);
  });

  it('refuses requests once closed', async () => {
    const closing = await createEmbeddedEngine({ workerUrl: crashWorker });
    await closing.close();
    expect(closing.healthy()).toBe(false);
    expect(closing.healthReason()).toBe('embedded engine is closed');
    await expect(firstValueFrom(closing.synthesize({ id: 'c', text: 'hello' }))).rejects.toMatchObject({
      code: 'engine_closed',
    });
  });

  it('fails to start with a typed error when the worker cannot load', async () => {
    const missing = new URL('./fixtures/missing-worker.mjs', import.meta.url);
    await expect(createEmbeddedEngine({ workerUrl: missing })).rejects.toMatchObject({ code: 'engine_unavailable' });
  });

  it('is unhealthy with a reason while the worker restarts, then healthy again', async () => {
    const healthOnFailure = await lastValueFrom(engine.synthesize({ id: 'd', text: 'crash again' })).then(
      () => 'completed',
      () => [engine.healthy(), engine.healthReason()],
    );
    expect(healthOnFailure).toEqual([false, 'no embedded TTS worker is running (1 restarting)']);
    await vi.waitFor(() => expect(engine.healthy()).toBe(true));
    expect(engine.healthReason()).toBeUndefined();
  });

  it('reports its time to the first audio packet in the engine metrics, like the network engines', async () => {
    const before = metrics.firstPacketMs['embedded:total']?.length ?? 0;
    await lastValueFrom(engine.synthesize({ id: 'e', text: 'hello' }).pipe(toArray()));
    expect(metrics.firstPacketMs['embedded:total']).toHaveLength(before + 1);
    expect(metrics.firstPacketMs['embedded:total']!.at(-1)).toBeGreaterThanOrEqual(0);
  });
});
