/**
 * Re-aligns a byte stream of 16-bit PCM to whole samples: network chunks may split a
 * sample; the odd byte is carried over to the next chunk.
 */
export class Pcm16Aligner {
  private carry: number | undefined;

  /** Whole samples of `bytes` (plus any byte carried over), or undefined if none. */
  push(bytes: Uint8Array): Uint8Array | undefined {
    const carried = this.carry === undefined ? 0 : 1;
    const total = carried + bytes.byteLength;
    const usable = total - (total % 2);
    if (usable === 0) {
      if (bytes.byteLength > 0) this.carry = bytes[bytes.byteLength - 1];
      return undefined;
    }
    const out = new Uint8Array(usable);
    if (carried) out[0] = this.carry as number;
    out.set(bytes.subarray(0, usable - carried), carried);
    this.carry = total % 2 === 1 ? bytes[bytes.byteLength - 1] : undefined;
    return out;
  }
}
