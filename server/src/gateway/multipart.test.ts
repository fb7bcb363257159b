import { Readable } from 'node:stream';
import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { readMultipart, textOf } from './multipart.ts';

/** A request whose body arrives in `chunks`, with `headers`. */
function requestOf(chunks: (string | Buffer)[], headers: Record<string, string> = { 'content-type': 'multipart/form-data; boundary=b0undary' }): Request {
  return Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers }) as unknown as Request;
}

const body = (parts: string[]): string => parts.map((p) => `--b0undary\r\n${p}\r\n`).join('') + '--b0undary--\r\n';

describe('readMultipart', () => {
  it('reads text fields and a file (binary, CRLFs inside), after a preamble', async () => {
    const file = Buffer.from([0, 13, 10, 45, 45, 255, 13, 10]);
    const raw = Buffer.concat([
      Buffer.from('preamble\r\n--b0undary\r\nContent-Disposition: form-data; name="name"\r\n\r\n主播\r\n'),
      Buffer.from('--b0undary\r\nContent-Disposition: form-data; name="promptWav"; filename="a \\"b\\".wav"\r\nContent-Type: audio/wav\r\n\r\n'),
      file,
      Buffer.from('\r\n--b0undary--\r\n'),
    ]);
    const parts = await readMultipart(requestOf([raw.subarray(0, 7), raw.subarray(7)]), { maxBodyBytes: 1024 });
    expect(textOf(parts.get('name'))).toBe('主播');
    expect(parts.get('promptWav')).toEqual({ name: 'promptWav', filename: 'a "b".wav', data: file });
  });

  it('refuses a body past the bound while it streams (413), and a declared one at once', async () => {
    const chunks = Array.from({ length: 10 }, () => 'x'.repeat(1000));
    await expect(readMultipart(requestOf(chunks), { maxBodyBytes: 5000 })).rejects.toMatchObject({ code: 'body_too_large', httpStatus: 413 });
    const declared = requestOf([], { 'content-type': 'multipart/form-data; boundary=b0undary', 'content-length': '5001' });
    await expect(readMultipart(declared, { maxBodyBytes: 5000 })).rejects.toMatchObject({ httpStatus: 413 });
  });

  it('refuses what is not well-formed form data', async () => {
    const read = (raw: string, headers?: Record<string, string>) => readMultipart(requestOf([raw], headers), { maxBodyBytes: 10_000, maxParts: 2 });
    await expect(read('{}', { 'content-type': 'application/json' })).rejects.toMatchObject({ httpStatus: 415 });
    await expect(read(body(['Content-Disposition: form-data; name="a"\r\n\r\n1', 'Content-Disposition: form-data; name="a"\r\n\r\n2']))).rejects.toMatchObject({ message: expect.stringMatching(/given twice/) });
    await expect(read(body(['Content-Disposition: form-data; name="a"\r\n\r\n1', 'Content-Disposition: form-data; name="b"\r\n\r\n2', 'Content-Disposition: form-data; name="c"\r\n\r\n3']))).rejects.toMatchObject({
      message: expect.stringMatching(/at most 2/),
    });
    await expect(read(body(['Content-Type: text/plain\r\n\r\n1']))).rejects.toMatchObject({ code: 'invalid_multipart' });
    await expect(read('--b0undary\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end')).rejects.toMatchObject({ message: expect.stringMatching(/closing boundary/) });
    await expect(read('no boundary here')).rejects.toMatchObject({ code: 'invalid_multipart' });
    const latin1 = await readMultipart(requestOf([Buffer.concat([Buffer.from('--b0undary\r\nContent-Disposition: form-data; name="a"\r\n\r\n'), Buffer.from([0xff]), Buffer.from('\r\n--b0undary--')])]), {
      maxBodyBytes: 1000,
    });
    expect(() => textOf(latin1.get('a'))).toThrow(expect.objectContaining({ code: 'invalid_encoding' }));
  });
});
