/**
 * Bilibili live danmaku packets: a 16-byte big-endian header (packet length u32, header
 * length u16 = 16, protocol version u16, operation u32, sequence u32) and a body. Bodies of
 * protocol version 2 (zlib) and 3 (brotli) decompress to further packets, often several
 * concatenated.
 */
import { brotliDecompressSync, inflateSync } from 'node:zlib';
import { SourceError } from '../../server/src/core/source.ts';

export const HEADER_BYTES = 16;

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

/** Cap on one decompressed body, against decompression bombs. */
const MAX_INFLATED_BYTES = 8 * 1024 * 1024;

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

function inflate(protover: number, body: Buffer): Buffer {
  try {
    return protover === Protover.zlib
      ? inflateSync(body, { maxOutputLength: MAX_INFLATED_BYTES })
      : brotliDecompressSync(body, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (error) {
    throw new SourceError('bilibili_bad_packet', `cannot decompress a protover ${protover} body`, { cause: error });
  }
}

/**
 * Every packet in `data` (one WebSocket frame), compressed bodies expanded in place.
 * Throws SourceError `bilibili_bad_packet` on a malformed frame.
 */
export function decodePackets(data: Buffer, depth = 0): Packet[] {
  const packets: Packet[] = [];
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
    const protover = data.readUInt16BE(offset + 6);
    const operation = data.readUInt32BE(offset + 8);
    const seq = data.readUInt32BE(offset + 12);
    const body = data.subarray(offset + headerBytes, offset + packetBytes);
    if (protover === Protover.zlib || protover === Protover.brotli) {
      if (depth > 0) throw new SourceError('bilibili_bad_packet', 'nested compressed body');
      packets.push(...decodePackets(inflate(protover, body), depth + 1));
    } else {
      packets.push({ protover, operation, seq, body });
    }
    offset += packetBytes;
  }
  return packets;
}
