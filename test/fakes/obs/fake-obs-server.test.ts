import { OBSWebSocket, OBSWebSocketError } from 'obs-websocket-js/json';
import { afterEach, describe, expect, it } from 'vitest';
import { INPUT_KINDS_WITHOUT_BROWSER } from './fake-obs-state.ts';
import { startFakeObs, type FakeObs } from './fake-obs-server.ts';

let fake: FakeObs;
let client: OBSWebSocket;

afterEach(async () => {
  await client?.disconnect();
  await fake?.close();
});

describe('fake obs-websocket server (checked with obs-websocket-js)', () => {
  it('authenticates with the sha256 challenge and answers requests with status codes', async () => {
    fake = await startFakeObs({ password: 'pw', inputKinds: INPUT_KINDS_WITHOUT_BROWSER });
    client = new OBSWebSocket();
    await expect(client.connect(fake.url, 'pw')).resolves.toMatchObject({ rpcVersion: 1, negotiatedRpcVersion: 1 });
    await expect(client.call('GetCurrentProgramScene')).resolves.toMatchObject({ currentProgramSceneName: 'Scene' });
    await expect(client.call('SendStreamCaption', { captionText: 'hi' })).rejects.toMatchObject({ code: 501 });
    await expect(
      client.call('CreateInput', { sceneName: 'Scene', inputName: 'o', inputKind: 'browser_source', inputSettings: {} }),
    ).rejects.toMatchObject({ code: 605 });
    expect(fake.requestsOf('CreateInput')[0]?.requestData).toMatchObject({ inputKind: 'browser_source' });
  });

  it('closes with 4009 on a wrong password', async () => {
    fake = await startFakeObs({ password: 'pw' });
    client = new OBSWebSocket();
    const refused = await client.connect(fake.url, 'nope').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OBSWebSocketError);
    expect((refused as OBSWebSocketError).code).toBe(4009);
    expect(fake.authFailureCount()).toBe(1);
  });

  it('sends only the events the client subscribed to', async () => {
    fake = await startFakeObs();
    client = new OBSWebSocket();
    await client.connect(fake.url, undefined, { eventSubscriptions: 4 }); // Scenes only
    const seen: string[] = [];
    client.on('CurrentProgramSceneChanged', (e) => seen.push(`scene:${e.sceneName}`));
    client.on('StreamStateChanged', (e) => seen.push(`stream:${e.outputActive}`));
    fake.setStreaming(true);
    fake.switchScene('BRB');
    await expect.poll(() => seen).toEqual(['scene:BRB']);
  });
});
