/**
 * The library's samples most recently used, in memory: a cloned voice sends its sample with
 * every request to the self-hosted server, which should not cost a disk read each time.
 * Bounded by bytes (least recently used out first); at most 60 s of 16 kHz audio each (~2 MB).
 */
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export class SampleCache {
  /** Insertion order is recency order: a hit is moved to the end. */
  private readonly entries = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(
    private readonly load: (id: string) => Uint8Array,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  get(id: string): Uint8Array {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const loaded = this.load(id);
    this.entries.set(id, loaded);
    this.bytes += loaded.length;
    for (const [oldest, wav] of this.entries) {
      if (this.bytes <= this.maxBytes || oldest === id) break;
      this.entries.delete(oldest);
      this.bytes -= wav.length;
    }
    return loaded;
  }

  forget(id: string): void {
    const wav = this.entries.get(id);
    if (!wav) return;
    this.entries.delete(id);
    this.bytes -= wav.length;
  }
}
