import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKick, type FakeKick } from '../../test/fakes/kick/fake-kick.ts';
import { lookUpKickChannel } from './channel-lookup.ts';

let fake: FakeKick;
beforeEach(async () => {
  fake = await startFakeKick();
});
afterEach(() => fake.close());

describe('lookUpKickChannel', () => {
  it('finds the chatroom and channel ids of a slug (any case)', async () => {
    await expect(lookUpKickChannel(fake.apiUrl, 'CosyKick')).resolves.toEqual({ chatroomId: 870_983, channelId: 875_396 });
  });

  it("names Cloudflare's refusal and the setting that avoids it", async () => {
    fake.setCloudflare(true);
    await expect(lookUpKickChannel(fake.apiUrl, 'cosykick')).rejects.toMatchObject({ code: 'kick_lookup_refused', message: expect.stringContaining('KICK_CHATROOM_ID') });
  });

  it('says when the channel does not exist, and when nothing answers', async () => {
    await expect(lookUpKickChannel(fake.apiUrl, 'nobody')).rejects.toMatchObject({ code: 'kick_channel_not_found' });
    const closedUrl = fake.apiUrl;
    await fake.close();
    await expect(lookUpKickChannel(closedUrl, 'cosykick', 1_000)).rejects.toMatchObject({ code: 'kick_lookup_failed' });
    fake = await startFakeKick();
  });
});
