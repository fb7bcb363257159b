/**
 * Reads the CEA-608 captions back out of an FLV recording of an H.264 stream, for tests: FLV
 * tags → AVC packets → NAL units → SEI user_data_registered_itu_t_t35 (payload type 4, "GA94",
 * user_data_type_code 3) → cc_data triplets → CC1 byte pairs → a minimal 608 decoder.
 *
 * Why by hand: OBS appends its caption SEI after the picture data of an access unit, and
 * ffmpeg's H.264 decoder ignores SEI found there, so ffmpeg/ffprobe never report these
 * captions. Formats, from their public specs: FLV (Adobe FLV spec v10.1, E.4.3 VIDEODATA /
 * AVCVIDEOPACKET), H.264 NAL and SEI syntax (ITU-T H.264 7.3.1, 7.3.2.3), the ATSC A/53
 * cc_data() structure (A/53 Part 4, 6.2.3) and CEA-608 control codes (47 CFR 15.119).
 */
import { readFileSync } from 'node:fs';

/** What a viewer's decoder shows from `ptsMs` on (rows joined by '\n'; '' = nothing shown). */
export interface CaptionScreen {
  ptsMs: number;
  text: string;
}

/** A CC1 byte pair (parity stripped) at the presentation time of its picture. */
export interface CcPair {
  ptsMs: number;
  b1: number;
  b2: number;
}

const FLV_HEADER_MIN = 9;
const TAG_HEADER = 11;
const TAG_VIDEO = 9;
const CODEC_AVC = 7;
const NAL_SEI = 6;
const SEI_USER_DATA_REGISTERED = 4;
/** cc_data's own bound (cc_count is 5 bits); bounds every loop over untrusted bytes. */
const MAX_CC_COUNT = 31;

/** The CC1 (NTSC field 1) byte pairs of every caption SEI in an FLV file, in decode order. */
export function ccPairsOfFlv(flv: Uint8Array): CcPair[] {
  if (flv.length < FLV_HEADER_MIN || String.fromCharCode(flv[0]!, flv[1]!, flv[2]!) !== 'FLV') throw new Error('not an FLV file');
  const view = new DataView(flv.buffer, flv.byteOffset, flv.byteLength);
  const pairs: CcPair[] = [];
  let lengthSize = 4;
  for (let at = view.getUint32(5) + 4; at + TAG_HEADER <= flv.length; ) {
    const type = flv[at]! & 0x1f;
    const size = (flv[at + 1]! << 16) | (flv[at + 2]! << 8) | flv[at + 3]!;
    const dtsMs = ((flv[at + 7]! << 24) | (flv[at + 4]! << 16) | (flv[at + 5]! << 8) | flv[at + 6]!) >>> 0;
    const body = flv.subarray(at + TAG_HEADER, Math.min(flv.length, at + TAG_HEADER + size));
    at += TAG_HEADER + size + 4;
    if (type !== TAG_VIDEO || body.length < 5 || (body[0]! & 0x0f) !== CODEC_AVC) continue;
    if (body[1] === 0) {
      lengthSize = ((body[9] ?? 3) & 0x03) + 1; // AVCDecoderConfigurationRecord.lengthSizeMinusOne
      continue;
    }
    if (body[1] !== 1) continue;
    const ctsMs = ((body[2]! << 16) | (body[3]! << 8) | body[4]!) << 8 >> 8; // SI24
    for (const nal of nalUnits(body.subarray(5), lengthSize)) {
      if ((nal[0]! & 0x1f) !== NAL_SEI) continue;
      for (const [b1, b2] of ccOfSei(unescapeRbsp(nal.subarray(1)))) pairs.push({ ptsMs: dtsMs + ctsMs, b1, b2 });
    }
  }
  return pairs;
}

function* nalUnits(data: Uint8Array, lengthSize: number): Generator<Uint8Array> {
  for (let at = 0; at + lengthSize <= data.length; ) {
    let size = 0;
    for (let i = 0; i < lengthSize; i++) size = size * 256 + data[at + i]!;
    at += lengthSize;
    if (size === 0) continue;
    yield data.subarray(at, Math.min(data.length, at + size));
    at += size;
  }
}

/** Drops emulation prevention bytes (00 00 03 → 00 00). */
function unescapeRbsp(nal: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out.push(byte);
  }
  return Uint8Array.from(out);
}

/** The valid CC1 pairs (parity bit stripped) in the SEI messages of one SEI RBSP. */
function ccOfSei(rbsp: Uint8Array): [number, number][] {
  const pairs: [number, number][] = [];
  let at = 0;
  const varField = (): number => {
    let value = 0;
    while (at < rbsp.length && rbsp[at] === 0xff) value += rbsp[at++]!;
    return value + (rbsp[at++] ?? 0);
  };
  while (at < rbsp.length && rbsp[at] !== 0x80) {
    const payloadType = varField();
    const payloadSize = varField();
    const payload = rbsp.subarray(at, at + payloadSize);
    at += payloadSize;
    if (payloadType === SEI_USER_DATA_REGISTERED) pairs.push(...ccOfT35(payload));
  }
  return pairs;
}

function ccOfT35(p: Uint8Array): [number, number][] {
  // country 0xB5 (USA), provider 0x0031 (ATSC), "GA94", user_data_type_code 3 (cc_data)
  const header = [0xb5, 0x00, 0x31, 0x47, 0x41, 0x39, 0x34, 0x03];
  if (p.length < 10 || header.some((b, i) => p[i] !== b)) return [];
  const ccCount = Math.min(p[8]! & 0x1f, MAX_CC_COUNT);
  const pairs: [number, number][] = [];
  for (let i = 0; i < ccCount; i++) {
    const at = 10 + i * 3; // after the flags byte and em_data
    if (at + 3 > p.length) break;
    const valid = (p[at]! & 0x04) !== 0;
    const ccType = p[at]! & 0x03;
    if (valid && ccType === 0) pairs.push([p[at + 1]! & 0x7f, p[at + 2]! & 0x7f]);
  }
  return pairs;
}

// 608 characters that differ from ASCII (47 CFR 15.119 (d)(1)–(2)).
const BASIC_OVERRIDES: Record<number, string> = { 0x2a: 'á', 0x5c: 'é', 0x5e: 'í', 0x5f: 'ó', 0x60: 'ú', 0x7b: 'ç', 0x7c: '÷', 0x7d: 'Ñ', 0x7e: 'ñ', 0x7f: '■' };
const SPECIAL = '®°½¿™¢£♪à èâêîôû'; // 0x11 0x30–0x3F; 0x39 is a transparent space
// Extended Western European, 0x12 0x20–0x3F then 0x13 0x20–0x3F (EIA-608-B / CTA-608-E).
const EXTENDED_12 = 'ÁÉÓÚÜü‘¡*’—©℠•“”ÀÂÇÈÊËëÎÏïÔÙùÛ«»';
const EXTENDED_13 = 'ÃãÍÌìÒòÕõ{}\\^_|~ÄäÖöß¥¤¦ÅåØø┌┐└┘';

type Mode = 'pop-on' | 'roll-up' | 'paint-on';

/**
 * Replays CC1 byte pairs through a minimal 608 decoder (pop-on, roll-up and paint-on; PACs,
 * mid-row codes and tab offsets move nothing but start a new row or add a space) and returns
 * every change of what is on screen.
 */
export function decode608(pairs: readonly CcPair[]): CaptionScreen[] {
  const screens: CaptionScreen[] = [];
  let displayed: string[] = [];
  let hidden: string[] = [];
  let mode: Mode = 'pop-on';
  let lastControl: string | undefined;
  const target = (): string[] => (mode === 'pop-on' ? hidden : displayed);
  const put = (text: string): void => {
    const rows = target();
    if (rows.length === 0) rows.push('');
    rows[rows.length - 1] += text;
  };
  const show = (ptsMs: number): void => {
    const text = displayed.map((row) => row.trimEnd()).filter(Boolean).join('\n');
    if ((screens.at(-1)?.text ?? '') !== text) screens.push({ ptsMs, text });
  };

  for (const { ptsMs, b1, b2 } of pairs) {
    if (b1 === 0 && b2 === 0) continue; // padding
    if (b1 >= 0x10 && b1 <= 0x1f) {
      const key = `${b1}:${b2}`;
      if (key === lastControl) {
        lastControl = undefined; // a control code is sent twice; act once
        continue;
      }
      lastControl = key;
      const ch = b1 & 0x07; // channel bit (0x08) ignored: CC1 only is sent by OBS
      if ((ch === 4 || ch === 5) && b2 >= 0x20 && b2 <= 0x2f) {
        switch (b2) {
          case 0x20: mode = 'pop-on'; break; // RCL
          case 0x25: case 0x26: case 0x27: mode = 'roll-up'; break; // RU2–RU4
          case 0x29: mode = 'paint-on'; break; // RDC
          case 0x21: { const rows = target(); if (rows.length) rows[rows.length - 1] = rows.at(-1)!.slice(0, -1); break; } // BS
          case 0x2c: displayed = []; break; // EDM
          case 0x2e: hidden = []; break; // ENM
          case 0x2d: if (mode === 'roll-up') displayed.push(''); break; // CR
          case 0x2f: [displayed, hidden] = [hidden, displayed]; break; // EOC
          default:
        }
      } else if (ch === 1 && b2 >= 0x30 && b2 <= 0x3f) put(SPECIAL[b2 - 0x30]!);
      else if ((ch === 2 || ch === 3) && b2 >= 0x20 && b2 <= 0x3f) {
        const rows = target();
        if (rows.length) rows[rows.length - 1] = rows.at(-1)!.slice(0, -1); // replaces the basic fallback char
        put((ch === 2 ? EXTENDED_12 : EXTENDED_13)[b2 - 0x20]!);
      } else if (ch === 1 && b2 >= 0x20 && b2 <= 0x2f) put(' '); // mid-row code
      else if (b2 >= 0x40 && b2 <= 0x7f) {
        const rows = target(); // PAC: a new row unless the current one is empty
        if (rows.length === 0 || rows.at(-1) !== '') rows.push('');
      }
      if (mode !== 'pop-on' || b2 === 0x2f || b2 === 0x2c) show(ptsMs);
      continue;
    }
    lastControl = undefined;
    for (const byte of [b1, b2]) if (byte >= 0x20) put(BASIC_OVERRIDES[byte] ?? String.fromCharCode(byte));
    if (mode !== 'pop-on') show(ptsMs);
  }
  return screens;
}

export function captionsOfFlvFile(path: string): CaptionScreen[] {
  return decode608(ccPairsOfFlv(readFileSync(path)));
}
