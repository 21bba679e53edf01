import { describe, expect, it } from 'vitest';
import {
  encodeMessage,
  encodeReply,
  MAX_MESSAGE_BYTES,
  MessageReader,
} from '../../../native-host/framing.js';

describe('native messaging framing', () => {
  it('encodes a 32-bit little-endian length and UTF-8 JSON', () => {
    const frame = encodeMessage({ type: 'getConnection', note: 'ü' });
    const body = JSON.stringify({ type: 'getConnection', note: 'ü' });
    expect(frame.readUInt32LE(0)).toBe(Buffer.byteLength(body));
    expect(frame.subarray(4).toString('utf8')).toBe(body);
  });

  it('decodes messages split across and joined within chunks', () => {
    const reader = new MessageReader();
    const bytes = Buffer.concat([encodeMessage({ a: 1 }), encodeMessage({ b: 2 }), encodeMessage({ c: 3 })]);
    const out = [];
    for (let i = 0; i < bytes.length; i += 3) out.push(...reader.push(bytes.subarray(i, i + 3)));
    expect(out).toEqual([{ message: { a: 1 } }, { message: { b: 2 } }, { message: { c: 3 } }]);
    expect(reader.pendingBytes).toBe(0);
  });

  it('invalid JSON is an error for that message only', () => {
    const reader = new MessageReader();
    const bad = Buffer.from('{nope');
    const header = Buffer.alloc(4);
    header.writeUInt32LE(bad.length);
    expect(reader.push(Buffer.concat([header, bad, encodeMessage({ ok: 1 })]))).toEqual([
      { error: 'message is not valid JSON', fatal: false },
      { message: { ok: 1 } },
    ]);
  });

  it('a length over 1 MB is fatal; a 2 MB request never waits for its body', () => {
    const reader = new MessageReader();
    const header = Buffer.alloc(4);
    header.writeUInt32LE(2 * 1024 * 1024);
    expect(reader.push(header)).toEqual([
      { error: 'message length 2097152 is over the 1 MB limit', fatal: true },
    ]);
    expect(reader.push(encodeMessage({ later: true }))).toEqual([]);
  });

  it('refuses to send more than 1 MB', () => {
    expect(() => encodeMessage({ big: 'x'.repeat(MAX_MESSAGE_BYTES) })).toThrow(/over the 1 MB limit/);
  });

  it('a reply that would pass 1 MB, or cannot be encoded, goes out as a short error instead', () => {
    const decode = (frame: Buffer) => new MessageReader().push(frame);
    expect(decode(encodeReply({ ok: true, port: 1 }))).toEqual([{ message: { ok: true, port: 1 } }]);
    const big = encodeReply({ ok: true, token: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(big.length).toBeLessThan(1024);
    expect(decode(big)).toEqual([
      {
        message: {
          ok: false,
          error: expect.stringMatching(/could not send its answer: .*over the 1 MB limit/),
        },
      },
    ]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(decode(encodeReply(cyclic))).toEqual([{ message: { ok: false, error: expect.any(String) } }]);
  });
});
