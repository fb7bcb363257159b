import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.ts';
import { silentLogger } from '../logger.ts';
import { EndpointMonitor } from './endpoint-monitor.ts';
import { DeadlineExceededError } from './resilience-errors.ts';

const base = { urls: ['http://a', 'http://b'], busy: () => false, logger: silentLogger, now: () => 1000 };

describe('EndpointMonitor', () => {
  it('without a probe, requests tell: only a refused or silent connection means unreachable', () => {
    const monitor = new EndpointMonitor(base);
    expect(monitor.statuses()).toEqual([
      { url: 'http://a', reachable: true, checkedAtMs: 0 },
      { url: 'http://b', reachable: true, checkedAtMs: 0 },
    ]);
    monitor.noteOutcome('http://a', new EngineError('connect_failed', 'ECONNREFUSED', true));
    monitor.noteOutcome('http://b', new EngineError('unknown_speaker', 'no such speaker', false));
    expect(monitor.statuses()[0]).toEqual({ url: 'http://a', reachable: false, detail: 'ECONNREFUSED', checkedAtMs: 1000 });
    expect(monitor.statuses()[1]!.checkedAtMs).toBe(0);
    monitor.noteOutcome('http://b', new DeadlineExceededError('connect', 500, 'http://b'));
    expect(monitor.noneReachable()).toBe(true);
    monitor.noteOutcome('http://a');
    expect(monitor.statuses()[0]).toEqual({ url: 'http://a', reachable: true, checkedAtMs: 1000 });
  });

  it('a probe that does not answer in time is unreachable; a probe result replaces what requests found', async () => {
    const monitor = new EndpointMonitor({
      ...base,
      timeoutMs: 20,
      probe: (url, signal) =>
        url === 'http://a'
          ? Promise.resolve({ reachable: true, detail: 'slow speech' })
          : new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    await monitor.probeAll();
    expect(monitor.statuses()).toEqual([
      { url: 'http://a', reachable: true, detail: 'slow speech', checkedAtMs: 1000 },
      { url: 'http://b', reachable: false, detail: 'no answer within 20 ms', checkedAtMs: 1000 },
    ]);
    monitor.close();
  });

  it('probes on start and then only while idle', async () => {
    let probes = 0;
    let busy = true;
    const monitor = new EndpointMonitor({ ...base, urls: ['http://a'], intervalMs: 10, busy: () => busy, probe: async () => (probes++, { reachable: true }) });
    monitor.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(probes).toBe(1);
    busy = false;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(probes).toBeGreaterThan(1);
    monitor.close();
  });
});
