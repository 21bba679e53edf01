/**
 * The browser's native messaging framing: each message is a 32-bit length
 * in native byte order (little-endian on every platform browsers support)
 * followed by that many bytes of UTF-8 JSON. Pure; the host wires it to
 * stdin/stdout.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export function encodeMessage(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  if (body.length > MAX_MESSAGE_BYTES)
    throw new Error(`message of ${body.length} bytes is over the 1 MB limit`);
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
}

/**
 * Browsers take at most 1 MB from a native host in one message and cut off a
 * host that sends more: a reply that would not fit (or cannot be encoded at
 * all) becomes a one-line error that does.
 */
export function encodeReply(message: unknown): Buffer {
  try {
    return encodeMessage(message);
  } catch (error) {
    return encodeMessage({
      ok: false,
      error: `ff's native host could not send its answer: ${error instanceof Error ? error.message.slice(0, 200) : 'it cannot be encoded'}`,
    });
  }
}

export type Decoded = { message: unknown } | { error: string; fatal: boolean };

/** Feeds chunks in, takes whole messages out. A length over the limit is fatal (the stream can't be resynced). */
export class MessageReader {
  #buffer: Buffer = Buffer.alloc(0);
  #failed = false;

  push(chunk: Buffer): Decoded[] {
    if (this.#failed) return [];
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const out: Decoded[] = [];
    while (this.#buffer.length >= 4) {
      const length = this.#buffer.readUInt32LE(0);
      if (length > MAX_MESSAGE_BYTES) {
        this.#failed = true;
        out.push({ error: `message length ${length} is over the 1 MB limit`, fatal: true });
        return out;
      }
      if (this.#buffer.length < 4 + length) break;
      const body = this.#buffer.subarray(4, 4 + length).toString('utf8');
      this.#buffer = this.#buffer.subarray(4 + length);
      try {
        out.push({ message: JSON.parse(body) });
      } catch {
        out.push({ error: 'message is not valid JSON', fatal: false });
      }
    }
    return out;
  }

  /** Bytes of a message that never completed (stdin closed mid-message). */
  get pendingBytes(): number {
    return this.#buffer.length;
  }
}
