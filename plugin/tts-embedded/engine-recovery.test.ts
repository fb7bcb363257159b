import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EngineError } from '../../server/src/core/errors.ts';
import { EmbeddedEngine } from './engine.ts';

describe('embedded engine: worker crash', () => {
  let engine: EmbeddedEngine;
  beforeAll(async () => {
    engine = await EmbeddedEngine.start(new URL('./fixtures/crash-worker.mjs', import.meta.url));
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
    const closing = await EmbeddedEngine.start(new URL('./fixtures/crash-worker.mjs', import.meta.url));
    await closing.close();
    expect(closing.healthy()).toBe(false);
    await expect(firstValueFrom(closing.synthesize({ id: 'c', text: 'hello' }))).rejects.toMatchObject({
      code: 'engine_closed',
    });
  });

  it('fails to start with a typed error when the worker cannot load', async () => {
    const missing = new URL('./fixtures/missing-worker.mjs', import.meta.url);
    await expect(EmbeddedEngine.start(missing)).rejects.toMatchObject({ code: 'engine_unavailable' });
  });

  it('is unhealthy while the worker restarts, then healthy again', async () => {
    const healthyOnFailure = await lastValueFrom(engine.synthesize({ id: 'd', text: 'crash again' })).then(
      () => 'completed',
      () => engine.healthy(),
    );
    expect(healthyOnFailure).toBe(false);
    await vi.waitFor(() => expect(engine.healthy()).toBe(true));
  });
});
