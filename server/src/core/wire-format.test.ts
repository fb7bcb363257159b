import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { BINARY_FRAME_MARK, packFrame, unpackFrame, WireDecoder, WireEncoder } from './wire-format.ts';

const chunk = (): Packet => ({
  type: PacketType.EVENT,
  nsp: '/overlay',
  data: ['audio:chunk', { id: 'u1', seq: 3, pcm: Buffer.from([1, 0, 2, 0, 3, 0]), offsetMs: 100, durationMs: 0.1 }],
});

function decodeAll(decoder: Decoder, parts: unknown[]): Packet[] {
  const out: Packet[] = [];
  decoder.on('decoded', (p: Packet) => out.push(p));
  for (const part of parts) decoder.add(part);
  return out;
}

describe('wire format', () => {
  it('encodes a packet without binary exactly as socket.io does (one text frame)', () => {
    const cue: Packet = { type: PacketType.EVENT, nsp: '/overlay', data: ['cue', { id: 'u1', words: [] }] };
    expect(new WireEncoder().encode(cue)).toEqual(new Encoder().encode(cue));
    expect(new WireEncoder().encode(cue)).toHaveLength(1);
  });

  it('encodes a packet with binary as one frame, and decodes it back', () => {
    const parts = new WireEncoder().encode(chunk());
    expect(parts).toHaveLength(1);
    expect((parts[0] as Uint8Array)[0]).toBe(BINARY_FRAME_MARK);
    const [decoded] = decodeAll(new WireDecoder(), [Buffer.from(parts[0] as Uint8Array)]);
    expect(decoded).toEqual({ ...chunk(), id: undefined });
    expect(Buffer.isBuffer((decoded!.data as [string, { pcm: unknown }])[1].pcm)).toBe(true);
  });

  it('gives ArrayBuffers to a client that receives ArrayBuffers (the browser)', () => {
    const frame = new WireEncoder().encode(chunk())[0] as Uint8Array;
    const [decoded] = decodeAll(new WireDecoder(), [frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength)]);
    const pcm = (decoded!.data as [string, { pcm: ArrayBuffer }])[1].pcm;
    expect(pcm).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(new Uint8Array(pcm))).toEqual([1, 0, 2, 0, 3, 0]);
  });

  it("still reads socket.io's split form (a relay of protocol 1), then one-frame packets again", () => {
    const split = new Encoder().encode(chunk());
    expect(split).toHaveLength(2);
    const frame = Buffer.from(new WireEncoder().encode(chunk())[0] as Uint8Array);
    const decoded = decodeAll(new WireDecoder(), [...split, frame, '2/overlay,["cue",{"id":"u1"}]']);
    expect(decoded.map((p) => (p.data as [string])[0])).toEqual(['audio:chunk', 'audio:chunk', 'cue']);
  });

  it('packs and unpacks several attachments in order', () => {
    const frame = packFrame(['52-["x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', new Uint8Array([7]), new Uint8Array([8, 9])]);
    const [text, a, b] = unpackFrame(Buffer.from(frame));
    expect(text).toMatch(/^52-/);
    expect([Array.from(a as Uint8Array), Array.from(b as Uint8Array)]).toEqual([[7], [8, 9]]);
  });

  it('refuses frames that are not whole one-frame packets', () => {
    const good = Buffer.from(new WireEncoder().encode(chunk())[0] as Uint8Array);
    const textOnly = packFrame(['51-/overlay,["x",{"_placeholder":true,"num":0}]', new Uint8Array(1)]).subarray(0, 5);
    const cases: [string, Uint8Array, RegExp][] = [
      ['a bare attachment', Buffer.from([1, 0, 2, 0]), /not a one-frame/],
      ['a truncated frame', good.subarray(0, good.byteLength - 1), /truncated/],
      ['a cut length', textOnly, /truncated/],
      ['a frame without attachments', packFrame(['2/overlay,["cue",{}]', new Uint8Array(0)]).subarray(0, 1 + 4 + '2/overlay,["cue",{}]'.length), /without attachments/],
      ['a frame of a plain event', packFrame(['2/overlay,["cue",{}]', new Uint8Array(1)]), /without attachments/],
      ['fewer attachments than announced', packFrame(['52-/overlay,["x",{"_placeholder":true,"num":0}]', new Uint8Array(1)]), /fewer attachments/],
      ['bad UTF-8', Buffer.from([BINARY_FRAME_MARK, 0, 0, 0, 1, 0xff, 0, 0, 0, 1, 0]), /./],
    ];
    for (const [name, frame, error] of cases) expect(() => new WireDecoder().add(frame), name).toThrow(error);
  });
});
