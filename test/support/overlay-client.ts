/** socket.io-client options every test client of `/overlay` and `/panel` passes (the relay's wire format). */
import type { ManagerOptions } from 'socket.io-client';

export function overlayClientOptions(): Partial<ManagerOptions> {
  return {};
}
