/**
 * Bilibili live danmaku packets: a 16-byte big-endian header (packet length u32, header
 * length u16 = 16, protocol version u16, operation u32, sequence u32) and a body. Bodies of
 * protocol version 2 (zlib) and 3 (brotli) decompress to further packets, often several
 * concatenated.
 */
import { brotliDecompressSync, inflateSync } from 'node:zlib';
import { SourceError } from '../../server/src/core/source.ts';

export const HEADER_BYTES = 16;

/**
 * What the client sends as a heartbeat body (as the web client does). The server echoes it
 * after the popularity in its heartbeat reply, outside the reply's declared length.
 */
export const HEARTBEAT_BODY = '[object Object]';

export const Operation = {
  heartbeat: 2,
  heartbeatReply: 3,
  command: 5,
  auth: 7,
  authReply: 8,
} as const;

export const Protover = {
  /** Plain JSON command body. */
  json: 0,
  /** Plain body of a heartbeat or auth packet (or the u32 popularity). */
  plain: 1,
  zlib: 2,
  brotli: 3,
} as const;

export interface Packet {
  protover: number;
  operation: number;
  seq: number;
  body: Buffer;
}

/**
 * Bounds on one WebSocket frame, against decompression bombs and packet floods: the bytes
 * all its compressed bodies may expand to together (zlib and brotli stop as soon as they
 * pass it), and the packets it may hold. Live frames carry a few KiB and a few dozen packets.
 */
export const MAX_INFLATED_BYTES_PER_FRAME = 8 * 1024 * 1024;
export const MAX_PACKETS_PER_FRAME = 10_000;

export function encodePacket(operation: number, body: Buffer | string, seq = 1, protover: number = Protover.plain): Buffer {
  const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(HEADER_BYTES + bodyBytes.length, 0);
  header.writeUInt16BE(HEADER_BYTES, 4);
  header.writeUInt16BE(protover, 6);
  header.writeUInt32BE(operation, 8);
  header.writeUInt32BE(seq, 12);
  return Buffer.concat([header, bodyBytes]);
}

interface FrameBudget {
  inflatedBytes: number;
  packets: number;
}

function inflate(protover: number, body: Buffer, budget: FrameBudget): Buffer {
  const maxOutputLength = MAX_INFLATED_BYTES_PER_FRAME - budget.inflatedBytes;
  let out: Buffer;
  try {
    if (maxOutputLength <= 0) throw new RangeError('no budget left');
    out =
      protover === Protover.zlib ? inflateSync(body, { maxOutputLength }) : brotliDecompressSync(body, { maxOutputLength });
  } catch (error) {
    const tooBig = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
    throw new SourceError(
      'bilibili_bad_packet',
      tooBig
        ? `compressed bodies of one frame expand past ${MAX_INFLATED_BYTES_PER_FRAME} bytes`
        : `cannot decompress a protover ${protover} body`,
      { cause: error },
    );
  }
  budget.inflatedBytes += out.length;
  return out;
}

/**
 * Every packet in `data` (one WebSocket frame), compressed bodies expanded in place.
 * A heartbeat reply's trailing echo (see HEARTBEAT_BODY) is not a packet and is skipped.
 * Throws SourceError `bilibili_bad_packet` on a malformed frame: bad lengths, an unknown
 * protocol version, a compressed body inside a compressed body, or a frame past the
 * MAX_INFLATED_BYTES_PER_FRAME / MAX_PACKETS_PER_FRAME bounds.
 */
export function decodePackets(data: Buffer): Packet[] {
  return decodeInto(data, 0, { inflatedBytes: 0, packets: 0 }, []);
}

/** Whether a well-formed packet header (header length 16, a length that fits) starts at `offset`. */
function startsWithPacket(data: Buffer, offset: number): boolean {
  if (data.length - offset < HEADER_BYTES) return false;
  const packetBytes = data.readUInt32BE(offset);
  return data.readUInt16BE(offset + 4) === HEADER_BYTES && packetBytes >= HEADER_BYTES && offset + packetBytes <= data.length;
}

function decodeInto(data: Buffer, depth: number, budget: FrameBudget, packets: Packet[]): Packet[] {
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < HEADER_BYTES) {
      throw new SourceError('bilibili_bad_packet', `truncated header at byte ${offset}`);
    }
    const packetBytes = data.readUInt32BE(offset);
    const headerBytes = data.readUInt16BE(offset + 4);
    if (headerBytes < HEADER_BYTES || packetBytes < headerBytes || offset + packetBytes > data.length) {
      throw new SourceError('bilibili_bad_packet', `bad lengths at byte ${offset}: packet ${packetBytes}, header ${headerBytes}`);
    }
    budget.packets += 1;
    if (budget.packets > MAX_PACKETS_PER_FRAME) {
      throw new SourceError('bilibili_bad_packet', `more than ${MAX_PACKETS_PER_FRAME} packets in one frame`);
    }
    const protover = data.readUInt16BE(offset + 6);
    const operation = data.readUInt32BE(offset + 8);
    const seq = data.readUInt32BE(offset + 12);
    const body = data.subarray(offset + headerBytes, offset + packetBytes);
    if (operation === Operation.heartbeatReply && depth === 0 && !startsWithPacket(data, offset + packetBytes)) {
      // The heartbeat reply's packet length covers the 4-byte popularity only; the echoed
      // heartbeat body follows it. bilibili-API-collect docs/live/message_stream.md
      // (心跳包回复: "正文分为两个部分 … 人气值 … 心跳包正文内容", example 0000 0014 … 0000 09a2
      // "[object Object]") and blivedm clients/ws_base.py ("pack_len不包括客户端发的心跳包内容").
      packets.push({ protover, operation, seq, body });
      return packets;
    }
    if (protover === Protover.zlib || protover === Protover.brotli) {
      if (depth > 0) throw new SourceError('bilibili_bad_packet', 'nested compressed body');
      decodeInto(inflate(protover, body, budget), depth + 1, budget, packets);
    } else if (protover === Protover.json || protover === Protover.plain) {
      packets.push({ protover, operation, seq, body });
    } else {
      throw new SourceError('bilibili_bad_packet', `unknown protocol version ${protover} at byte ${offset}`);
    }
    offset += packetBytes;
  }
  return packets;
}
