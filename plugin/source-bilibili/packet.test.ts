import { brotliCompressSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../server/src/core/source.ts';
import { bilibiliPacket } from '../../test/fakes/bilibili/fake-bilibili-live.ts';
import { decodePackets, encodePacket, HEARTBEAT_BODY, MAX_INFLATED_BYTES_PER_FRAME, MAX_PACKETS_PER_FRAME, Operation, Protover } from './packet.ts';

const json = (value: object): Buffer => Buffer.from(JSON.stringify(value));

describe('encodePacket', () => {
  it('matches the documented auth reply bytes', () => {
    // 00 00 00 1a 00 10 00 01 00 00 00 08 00 00 00 01 {"code":0}
    const expected = Buffer.concat([Buffer.from('0000001a001000010000000800000001', 'hex'), Buffer.from('{"code":0}')]);
    expect(encodePacket(Operation.authReply, '{"code":0}', 1)).toEqual(expected);
  });

  it('encodes a heartbeat with header length 16 and protover 1', () => {
    const packet = encodePacket(Operation.heartbeat, '[object Object]', 7);
    expect(packet.readUInt32BE(0)).toBe(31);
    expect(packet.readUInt16BE(4)).toBe(16);
    expect(packet.readUInt16BE(6)).toBe(Protover.plain);
    expect(packet.readUInt32BE(8)).toBe(2);
    expect(packet.readUInt32BE(12)).toBe(7);
  });
});

describe('decodePackets', () => {
  const commands = [json({ cmd: 'A' }), json({ cmd: 'B', data: { text: '弹幕' } }), json({ cmd: 'C' })];
  const inner = Buffer.concat(commands.map((c) => bilibiliPacket(5, 0, c)));

  it('splits several packets concatenated in one frame', () => {
    const packets = decodePackets(inner);
    expect(packets.map((p) => JSON.parse(p.body.toString()).cmd)).toEqual(['A', 'B', 'C']);
    expect(packets.every((p) => p.operation === Operation.command && p.protover === Protover.json)).toBe(true);
  });

  it('inflates a zlib body holding several packets', () => {
    const packets = decodePackets(bilibiliPacket(5, 2, deflateSync(inner)));
    expect(packets.map((p) => JSON.parse(p.body.toString()).cmd)).toEqual(['A', 'B', 'C']);
  });

  it('decompresses a brotli body holding several packets', () => {
    const packets = decodePackets(bilibiliPacket(5, 3, brotliCompressSync(inner)));
    expect(packets.map((p) => JSON.parse(p.body.toString()).cmd)).toEqual(['A', 'B', 'C']);
    expect(JSON.parse(packets[1]!.body.toString()).data.text).toBe('弹幕');
  });

  it('decodes a popularity reply next to a compressed body in the same frame', () => {
    const popularity = Buffer.from([0, 0, 0x14, 0x83]);
    const frame = Buffer.concat([bilibiliPacket(3, 1, popularity), bilibiliPacket(5, 3, brotliCompressSync(inner))]);
    const packets = decodePackets(frame);
    expect(packets[0]).toMatchObject({ operation: Operation.heartbeatReply });
    expect(packets[0]!.body.readUInt32BE(0)).toBe(5251);
    expect(packets).toHaveLength(4);
  });

  it('reads the real heartbeat reply: the echoed heartbeat body follows the declared length', () => {
    // bilibili-API-collect docs/live/message_stream.md (commit 5b77c40), 心跳包回复 (人气值) example:
    // 0000 0014 0010 0001 0000 0003 0000 0000 | 0000 09a2 | "[object Object]"
    const frame = Buffer.concat([Buffer.from('00000014001000010000000300000000000009a2', 'hex'), Buffer.from(HEARTBEAT_BODY)]);
    const packets = decodePackets(frame);
    expect(packets).toHaveLength(1);
    expect(packets[0]).toMatchObject({ operation: Operation.heartbeatReply, protover: Protover.plain });
    expect(packets[0]!.body.readUInt32BE(0)).toBe(2466);
  });

  it('still refuses trailing bytes after any other packet', () => {
    const frame = Buffer.concat([bilibiliPacket(5, 0, json({ cmd: 'A' })), Buffer.from(HEARTBEAT_BODY)]);
    expect(() => decodePackets(frame)).toThrow(/truncated header/u);
  });

  it('throws a typed error on truncated or corrupt frames', () => {
    expect(() => decodePackets(inner.subarray(0, 10))).toThrow(SourceError);
    expect(() => decodePackets(inner.subarray(0, inner.length - 1))).toThrow(/bad lengths/u);
    expect(() => decodePackets(bilibiliPacket(5, 2, Buffer.from('not zlib')))).toThrow(/decompress/u);
    const wrongHeader = Buffer.from(inner);
    wrongHeader.writeUInt16BE(4, 4);
    expect(() => decodePackets(wrongHeader)).toThrow(SourceError);
  });

  it('refuses a compressed body nested in a compressed body', () => {
    const nested = bilibiliPacket(5, 2, deflateSync(bilibiliPacket(5, 2, deflateSync(inner))));
    expect(() => decodePackets(nested)).toThrow(/nested/u);
  });
});

describe('hostile frames', () => {
  it('stops a zlib or brotli bomb at MAX_INFLATED_BYTES_PER_FRAME with a typed error', () => {
    const zeros = Buffer.alloc(32 * 1024 * 1024);
    for (const frame of [bilibiliPacket(5, 2, deflateSync(zeros)), bilibiliPacket(5, 3, brotliCompressSync(zeros))]) {
      expect(frame.length).toBeLessThan(200 * 1024);
      const before = process.memoryUsage().rss;
      expect(() => decodePackets(frame)).toThrow(/expand past/u);
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    }
  });

  it('bounds the total of many small bombs in one frame, not just each body', () => {
    const bomb = bilibiliPacket(5, 2, deflateSync(bilibiliPacket(5, 0, Buffer.alloc(MAX_INFLATED_BYTES_PER_FRAME / 4 - 16, 0x20))));
    expect(() => decodePackets(Buffer.concat(Array.from({ length: 3 }, () => bomb)))).not.toThrow();
    expect(() => decodePackets(Buffer.concat(Array.from({ length: 5 }, () => bomb)))).toThrow(/expand past/u);
  });

  it('refuses more than MAX_PACKETS_PER_FRAME packets and unknown protocol versions', () => {
    const tiny = bilibiliPacket(3, 1, Buffer.alloc(0));
    expect(() => decodePackets(Buffer.concat(Array.from({ length: MAX_PACKETS_PER_FRAME + 1 }, () => tiny)))).toThrow(/packets in one frame/u);
    expect(() => decodePackets(bilibiliPacket(5, 4, json({ cmd: 'A' })))).toThrow(/unknown protocol version 4/u);
    expect(() => decodePackets(bilibiliPacket(5, 65535, json({ cmd: 'A' })))).toThrow(SourceError);
  });
});
