import {
  chmodSync,
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * An append-only JSONL log with a per-log `seq` (1, 2, 3, …). One line per
 * entry, appended with one write: O(1) per append, never rewritten. A torn
 * last line (kill -9 mid-write) is cut off when the log is reopened, so the
 * file always parses. `readFrom(seq)` starts from a sparse offset index
 * instead of the top of the file.
 */
export const TranscriptEntry = z.object({
  seq: z.number().int().positive(),
  ts: z.string(),
  data: z.unknown(),
});
export type TranscriptEntry = z.infer<typeof TranscriptEntry>;

/** One index point every this many entries: ~1 number per 128 lines in memory. */
const INDEX_EVERY = 128;
const CHUNK = 64 * 1024;

export class TranscriptLog {
  readonly path: string;
  #fd: number;
  #size: number;
  #lastSeq: number;
  /** [seq, byte offset of that entry's line], seq ascending. */
  readonly #index: Array<[number, number]> = [];

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
    this.#size = 0;
    this.#lastSeq = 0;
  }

  static open(path: string): TranscriptLog {
    mkdirSync(dirname(path), { recursive: true });
    const log = new TranscriptLog(path, openSync(path, 'a+', 0o600));
    log.#recover();
    return log;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Appends one entry; when this returns the line is in the file. */
  append(data: unknown, now: Date = new Date()): TranscriptEntry {
    const entry: TranscriptEntry = { seq: this.#lastSeq + 1, ts: now.toISOString(), data };
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    writeSync(this.#fd, line, 0, line.length, null);
    if ((entry.seq - 1) % INDEX_EVERY === 0) this.#index.push([entry.seq, this.#size]);
    this.#size += line.length;
    this.#lastSeq = entry.seq;
    return entry;
  }

  /** Entries with seq > sinceSeq, in order, at most `limit`. */
  readFrom(sinceSeq: number, limit = Number.POSITIVE_INFINITY): TranscriptEntry[] {
    const out: TranscriptEntry[] = [];
    if (sinceSeq >= this.#lastSeq || limit <= 0) return out;
    this.#scan(this.#offsetFor(sinceSeq + 1), (line) => {
      const entry = parseLine(line);
      if (entry && entry.seq > sinceSeq) out.push(entry);
      return out.length < limit;
    });
    return out;
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }

  #offsetFor(seq: number): number {
    let lo = 0;
    let hi = this.#index.length - 1;
    let offset = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [s, o] = this.#index[mid]!;
      if (s <= seq) {
        offset = o;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return offset;
  }

  /** Rebuilds seq, size and index from the file; cuts off a torn last line. */
  #recover(): void {
    const fileSize = fstatSync(this.#fd).size;
    let validEnd = 0;
    this.#scan(0, (line, offset, end) => {
      const entry = parseLine(line);
      if (entry) {
        if ((entry.seq - 1) % INDEX_EVERY === 0) this.#index.push([entry.seq, offset]);
        this.#lastSeq = entry.seq;
      }
      validEnd = end;
      return true;
    });
    if (validEnd < fileSize) ftruncateSync(this.#fd, validEnd);
    this.#size = validEnd;
  }

  /**
   * Calls `visit` for each complete line from `start` (without its newline),
   * with the line's start and end offsets. Stops when `visit` returns false.
   * A trailing fragment with no newline is not visited.
   */
  #scan(start: number, visit: (line: string, offset: number, end: number) => boolean): void {
    let position = start;
    // A line longer than a chunk, in parts: joined once at its newline (joining at every chunk copied a 30 MB line ~450 times).
    let carry: Buffer[] = [];
    let carryStart = start;
    const chunk = Buffer.alloc(CHUNK);
    for (;;) {
      const read = readSync(this.#fd, chunk, 0, CHUNK, position);
      if (read === 0) return;
      position += read;
      const buffer = chunk.subarray(0, read);
      let lineStart = 0;
      for (let nl = buffer.indexOf(10); nl !== -1; nl = buffer.indexOf(10, lineStart)) {
        const line = carry.length
          ? Buffer.concat([...carry, buffer.subarray(0, nl)]).toString('utf8')
          : buffer.toString('utf8', lineStart, nl);
        const offset = carryStart;
        carry = [];
        carryStart = position - read + nl + 1;
        if (!visit(line, offset, carryStart)) return;
        lineStart = nl + 1;
      }
      // The chunk is read into again: what is left of this line is kept as a copy.
      if (lineStart < read) carry.push(Buffer.from(buffer.subarray(lineStart)));
    }
  }
}

function parseLine(line: string): TranscriptEntry | undefined {
  try {
    const parsed = TranscriptEntry.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Transcripts hold everything said in a session: mode 0600. Files written
 * by an older ff-agent (or copied in) are narrowed on start; returns how
 * many were changed.
 */
export function tightenTranscripts(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let changed = 0;
  for (const name of names) {
    if (!name.endsWith('.jsonl')) continue;
    const path = join(dir, name);
    try {
      if ((statSync(path).mode & 0o077) === 0) continue;
      chmodSync(path, 0o600);
      changed++;
    } catch {
      // gone meanwhile, or not ours to change
    }
  }
  return changed;
}
