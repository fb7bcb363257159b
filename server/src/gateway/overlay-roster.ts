/**
 * Who is connected to /overlay and what each overlay is doing: since when it is connected,
 * its last playback ack, and whether it is playing right now (got `playback:start` and no
 * `playback:end` yet; a cancel also ends it). Bounded by the connected sockets.
 */
import type { PanelOverlayStatus } from '../core/protocol.ts';

export class OverlayRoster {
  private readonly overlays = new Map<string, PanelOverlayStatus>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  connected(socketId: string): void {
    this.overlays.set(socketId, { socketId, connectedAtMs: this.nowMs() });
  }

  hello(socketId: string, version: string): void {
    const overlay = this.overlays.get(socketId);
    if (overlay) overlay.version = version;
  }

  ack(socketId: string, type: 'playback:start' | 'playback:end', id: string): void {
    const overlay = this.overlays.get(socketId);
    if (!overlay) return;
    overlay.lastAck = { type, id, atMs: this.nowMs() };
    if (type === 'playback:start') overlay.playingId = id;
    else if (overlay.playingId === id) delete overlay.playingId;
  }

  /** The relay cancelled a readout: overlays stop it without an end ack. */
  cancelled(id: string): void {
    for (const overlay of this.overlays.values()) if (overlay.playingId === id) delete overlay.playingId;
  }

  disconnected(socketId: string): void {
    this.overlays.delete(socketId);
  }

  /** Copies, in connection order. */
  statuses(): PanelOverlayStatus[] {
    return [...this.overlays.values()].map((o) => structuredClone(o));
  }
}
