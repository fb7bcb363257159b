/** The fallback chain with real engines: the cloud engine stalls, the self-hosted one speaks. */
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineChain } from '../../server/src/core/engine.ts';
import { createEngineChain } from '../../server/src/core/engine-kit/engine-chain.ts';
import { captureSynthesis } from '../../test/fakes/dashscope/capture-synthesis.ts';
import { type FakeDashScope, startFakeDashScope } from '../../test/fakes/dashscope/fake-dashscope-server.ts';
import { testEngineOptions } from '../../test/fakes/dashscope/test-engine-options.ts';
import { type FakeSelfhost, startFakeSelfhost } from '../../test/fakes/cosyvoice-selfhost/fake-selfhost-server.ts';
import { createCosyVoiceEngine } from '../tts-cosyvoice/index.ts';
import { createCosyVoiceSelfhostEngine } from './index.ts';

describe('fallback chain cosyvoice > cosyvoice-selfhost', () => {
  let cloud: FakeDashScope;
  let selfhost: FakeSelfhost;
  let chain: EngineChain;
  const start = async () => {
    [cloud, selfhost] = await Promise.all([startFakeDashScope({ modelFirstPacketMs: 5000 }), startFakeSelfhost()]);
    chain = createEngineChain(
      [await createCosyVoiceEngine(testEngineOptions(cloud, { sampleRateHz: 22_050 })), await createCosyVoiceSelfhostEngine({ urls: [selfhost.url] })],
      { firstPacketBudgetMs: 150 },
    );
  };
  afterEach(async () => {
    await chain?.close();
    await Promise.all([cloud?.close(), selfhost?.close()]);
  });

  it('switches to the self-hosted engine when the cloud cannot produce a first packet in budget, and says so', async () => {
    await start();
    const result = await captureSynthesis(chain, { id: 'r1', text: '你好，世界。' });
    expect(result.error).toBeUndefined();
    expect(result.pcm.byteLength).toBeGreaterThan(0);
    expect(result.timings).toEqual(new Set(['estimated']));
    expect(result.firstAudioMs!).toBeLessThan(150 + 350);
    expect(chain.spokenBy('r1')).toBe('cosyvoice-selfhost');
    expect(chain.stats()).toEqual({ spokenBy: { 'cosyvoice-selfhost': 1 }, failovers: { first_packet_budget: 1 } });
    expect(cloud.stats.clientClosedDuringTask).toBe(1);
  });

  it('uses the cloud when it answers in budget', async () => {
    await start();
    cloud.network.modelFirstPacketMs = 0;
    const result = await captureSynthesis(chain, { id: 'r2', text: '你好。' });
    expect(result.timings).toEqual(new Set(['engine']));
    expect(chain.spokenBy('r2')).toBe('cosyvoice');
    expect(selfhost.stats.calls).toEqual([]);
  });
});
