/**
 * A whole relay reading chat from the fake Twitch (and Bilibili) servers, with an overlay
 * connected and acking like the page: the setup of the sources integration tests. Started in
 * order (fakes → relay → overlay → sources connected), stopped in reverse.
 */
import type { Config } from '../../server/src/config.ts';
import { startChatFakes, type ChatFakes } from './chat-fakes.ts';
import { RecordingOverlay, type RecordingOverlayOptions } from './recording-overlay.ts';
import { startHarness, type Harness } from './relay-harness.ts';

export interface ChatRelay {
  fakes: ChatFakes;
  relay: Harness;
  overlay: RecordingOverlay;
  stop(): Promise<void>;
}

export interface ChatRelayOptions {
  /** Start the fake Bilibili server too. */
  bilibili?: boolean;
  /** Relay settings on top of the ones pointing it at the fakes. */
  settings?: Partial<Record<keyof Config, string>>;
  overlay?: RecordingOverlayOptions;
}

export async function startChatRelay(options: ChatRelayOptions = {}): Promise<ChatRelay> {
  const fakes = await startChatFakes({ bilibili: options.bilibili ?? false });
  let relay: Harness | undefined;
  let overlay: RecordingOverlay | undefined;
  const stop = async (): Promise<void> => {
    overlay?.close();
    await relay?.stop();
    await fakes.close();
  };
  try {
    relay = await startHarness({ ...fakes.settings, ...options.settings });
    overlay = new RecordingOverlay(relay.url, relay.secrets.overlayKey, options.overlay);
    await overlay.connected();
    await fakes.connected();
    return { fakes, relay, overlay, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
