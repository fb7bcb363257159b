/**
 * The relay's Socket.IO wire format (protocol 2), used by the server and every client (the
 * overlay and panel bundles, the tests): socket.io's own parser, except that a packet with
 * binary data travels as ONE WebSocket frame instead of a text frame plus one frame per
 * attachment. Packets without binary are socket.io's text frames, byte for byte (a
 * broadcast of one still has its WebSocket frame built once for every socket).
 *
 * The one-frame packet: byte 0 = BINARY_FRAME_MARK, then socket.io's text encoding (the JSON
 * with `_placeholder`s) and each attachment, each as a u32 big-endian length and its bytes.
 * The decoder also takes socket.io's split form (a text packet announcing attachments, then
 * the attachments), so a protocol-2 client still understands a relay of protocol 1. Pure:
 * the browser bundles it.
 */
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';

/** Sent in the handshake (`auth.protocol`) by clients that speak this wire format. */
export const WIRE_PROTOCOL_VERSION = 2;

/** First byte of a one-frame binary packet (a bare attachment is never read as one: see WireDecoder). */
export const BINARY_FRAME_MARK = 0xb2;

const LENGTH_BYTES = 4;

type Binary = ArrayBuffer | Uint8Array;
type Encoded = string | Binary;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

function bytesOf(data: Binary): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** socket.io's parts of one packet (text first, then attachments) as one frame. */
export function packFrame(parts: readonly Encoded[]): Uint8Array {
  const [text, ...attachments] = parts;
  if (typeof text !== 'string' || attachments.some((a) => typeof a === 'string')) throw new TypeError('expected a text packet and its attachments');
  const chunks = [textEncoder.encode(text), ...attachments.map((a) => bytesOf(a as Binary))];
  const frame = new Uint8Array(1 + chunks.reduce((n, c) => n + LENGTH_BYTES + c.byteLength, 0));
  const view = new DataView(frame.buffer);
  frame[0] = BINARY_FRAME_MARK;
  let at = 1;
  for (const chunk of chunks) {
    view.setUint32(at, chunk.byteLength);
    frame.set(chunk, at + LENGTH_BYTES);
    at += LENGTH_BYTES + chunk.byteLength;
  }
  return frame;
}

/**
 * A frame back into socket.io's parts; attachments are views of the frame, of the frame's
 * own type (an ArrayBuffer gives ArrayBuffers, a Node Buffer gives Buffers). Throws on
 * anything that is not a whole frame.
 */
export function unpackFrame(frame: Binary): [string, ...Binary[]] {
  const bytes = bytesOf(frame);
  if (bytes[0] !== BINARY_FRAME_MARK) throw new Error('not a one-frame binary packet');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Binary[] = [];
  let at = 1;
  while (at < bytes.byteLength) {
    if (at + LENGTH_BYTES > bytes.byteLength) throw new Error('truncated binary packet');
    const length = view.getUint32(at);
    const start = at + LENGTH_BYTES;
    if (start + length > bytes.byteLength) throw new Error('truncated binary packet');
    parts.push(frame instanceof ArrayBuffer ? frame.slice(start, start + length) : frame.subarray(start, start + length));
    at = start + length;
  }
  const [text, ...attachments] = parts;
  if (text === undefined || attachments.length === 0) throw new Error('binary packet without attachments');
  return [textDecoder.decode(text), ...attachments];
}

/** socket.io's encoder, with a packet's attachments folded into its one frame. */
export class WireEncoder extends Encoder {
  override encode(packet: Packet): Encoded[] {
    const parts = super.encode(packet) as Encoded[];
    return parts.length === 1 ? parts : [packFrame(parts)];
  }
}

function announcesAttachments(text: string): boolean {
  return text.startsWith(String(PacketType.BINARY_EVENT)) || text.startsWith(String(PacketType.BINARY_ACK));
}

/** socket.io's decoder, reading one-frame binary packets as well as socket.io's split form. */
export class WireDecoder extends Decoder {
  /** A split-form text packet is waiting for its attachments. */
  private awaitingAttachments = false;

  constructor(...args: ConstructorParameters<typeof Decoder>) {
    super(...args);
    this.on('decoded', () => (this.awaitingAttachments = false));
  }

  override add(data: unknown): void {
    if (typeof data === 'string') {
      this.awaitingAttachments = announcesAttachments(data);
      return super.add(data);
    }
    if (this.awaitingAttachments) return super.add(data);
    if (!(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) throw new Error('unknown packet data');
    const [text, ...attachments] = unpackFrame(data as Binary);
    if (!announcesAttachments(text)) throw new Error('binary packet of a type without attachments');
    this.awaitingAttachments = true;
    super.add(text);
    for (const attachment of attachments) super.add(attachment);
    if (this.awaitingAttachments) throw new Error('binary packet with fewer attachments than announced');
  }
}

/** The `parser` option of a Socket.IO server or client (socket.io-client `ManagerOptions.parser`). */
export const wireParser = { Encoder: WireEncoder, Decoder: WireDecoder };
