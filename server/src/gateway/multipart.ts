/**
 * A multipart/form-data body (RFC 7578) read into memory with a hard bound: a body over
 * `maxBodyBytes` is refused with 413 as soon as its Content-Length says so or its bytes
 * pass the bound, without reading the rest. Parts are small in number and each named once.
 */
import { isUtf8 } from 'node:buffer';
import type { Request } from 'express';
import { RelayError, ValidationError } from '../core/errors.ts';

export interface FormPart {
  name: string;
  /** Set for a file part (may be ''). */
  filename?: string;
  data: Buffer;
}

export interface MultipartLimits {
  maxBodyBytes: number;
  /** Most parts accepted (default 8). */
  maxParts?: number;
}

const MAX_HEADER_BYTES = 4096;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

const invalid = (message: string): ValidationError => new ValidationError('invalid_multipart', message);
const tooLarge = (limitBytes: number): RelayError => new RelayError('body_too_large', `request body is larger than ${limitBytes} bytes`, 413);

/** The boundary of a multipart/form-data Content-Type, or a 415. */
function boundaryOf(contentType: string | undefined): string {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const boundary = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType ?? '');
  if (type !== 'multipart/form-data' || !boundary) {
    throw new RelayError('unsupported_media_type', 'send multipart/form-data (curl -F name=... -F promptWav=@sample.wav)', 415);
  }
  return boundary[1] ?? boundary[2]!;
}

/** Reads the whole body, refusing it (413) past `limitBytes`; the rest is left unread. */
function readBody(req: Request, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limitBytes) return reject(tooLarge(limitBytes));
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = (error?: RelayError): void => {
      req.off('data', onData).off('end', onEnd).off('error', onAborted).off('close', onAborted);
      if (error) {
        req.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks, bytes));
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > limitBytes) done(tooLarge(limitBytes));
      else chunks.push(chunk);
    };
    const onEnd = (): void => done();
    const onAborted = (): void => done(new RelayError('request_aborted', 'request aborted by the client', 400));
    req.on('data', onData).on('end', onEnd).on('error', onAborted).on('close', onAborted);
  });
}

/** `name="x"; filename="y"` of a Content-Disposition: form-data header (quoted-string escapes honoured). */
function dispositionOf(value: string): { name?: string; filename?: string } {
  if (!/^\s*form-data\s*(;|$)/i.test(value)) throw invalid('each part needs Content-Disposition: form-data');
  const params: Record<string, string> = {};
  for (const m of value.matchAll(/;\s*([a-z*]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/gi)) {
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  }
  return { name: params.name, filename: params.filename };
}

function parsePart(raw: Buffer): FormPart {
  const headerEnd = raw.indexOf(HEADER_END);
  if (headerEnd < 0 || headerEnd > MAX_HEADER_BYTES) throw invalid('a part has no header block, or one too large');
  const headers = raw.subarray(0, headerEnd).toString('utf8').split('\r\n');
  const disposition = headers.find((h) => /^content-disposition\s*:/i.test(h));
  if (!disposition) throw invalid('a part has no Content-Disposition header');
  const { name, filename } = dispositionOf(disposition.slice(disposition.indexOf(':') + 1));
  if (!name) throw invalid('a part has no name');
  return { name, ...(filename !== undefined ? { filename } : {}), data: raw.subarray(headerEnd + HEADER_END.length) };
}

/** The parts of a multipart/form-data request by name; throws 400/413/415 RelayErrors. */
export async function readMultipart(req: Request, { maxBodyBytes, maxParts = 8 }: MultipartLimits): Promise<Map<string, FormPart>> {
  const boundary = boundaryOf(req.headers['content-type']);
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') throw new RelayError('unsupported_encoding', 'send the body uncompressed', 415);
  const body = await readBody(req, maxBodyBytes);
  const delimiter = Buffer.from(`--${boundary}`);
  // The first delimiter starts the body or follows a preamble's CRLF.
  let at = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : body.indexOf(Buffer.concat([CRLF, delimiter]));
  if (at < 0) throw invalid('the body does not contain the boundary of its Content-Type');
  if (at > 0) at += CRLF.length;
  const next = Buffer.concat([CRLF, delimiter]);
  const parts = new Map<string, FormPart>();
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return parts;
    if (!body.subarray(at, at + 2).equals(CRLF)) throw invalid('a boundary line is malformed');
    const end = body.indexOf(next, at);
    if (end < 0) throw invalid('the body ends before its closing boundary');
    const part = parsePart(body.subarray(at + CRLF.length, end));
    if (parts.has(part.name)) throw invalid(`field ${part.name.slice(0, 40)} is given twice`);
    if (parts.size === maxParts) throw invalid(`at most ${maxParts} fields are accepted`);
    parts.set(part.name, part);
    at = end + CRLF.length;
  }
}

/** A text field as a string: valid UTF-8 only. */
export function textOf(part: FormPart | undefined): string | undefined {
  if (!part) return undefined;
  if (!isUtf8(part.data)) throw new ValidationError('invalid_encoding', `field ${part.name.slice(0, 40)} is not valid UTF-8`);
  return part.data.toString('utf8');
}
