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
 * file always parses. Opening reads only the file's tail, and `readFrom(seq)`
 * finds its start by a binary search over the file (seqs only grow), so
 * neither costs more for a 90 MB transcript than for a small one.
 */
export const TranscriptEntry = z.object({
  seq: z.number().int().positive(),
  ts: z.string(),
  data: z.unknown(),
});
export type TranscriptEntry = z.infer<typeof TranscriptEntry>;

/** One index point every this many appended entries: ~1 number per 128 lines in memory. */
const INDEX_EVERY = 128;
const CHUNK = 64 * 1024;
/** Below this many bytes between two known points, the search reads forward instead of probing again. */
const SEARCH_SPAN = 64 * 1024;
/** Where the last few paged reads stopped, so the next page starts there without a search. */
const MAX_HINTS = 64;
/** Every line starts with its seq (`JSON.stringify` keeps the key order it was written with). */
const SEQ_PREFIX = /^\{"seq":(\d+),/;

/** How much `readFrom` returns at most: entries, and bytes of their lines (at least one entry either way). */
export interface ReadLimit {
  entries?: number;
  bytes?: number;
}

export class TranscriptLog {
  readonly path: string;
  #fd: number;
  #size: number;
  #lastSeq: number;
  /** [seq, byte offset of that entry's line] of entries appended since opening, seq ascending. */
  readonly #index: Array<[number, number]> = [];
  /** seq → byte offset of the line after that entry's. */
  readonly #hints = new Map<number, number>();

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

  /** Bytes in the file (complete lines only). */
  get size(): number {
    return this.#size;
  }

  /** Appends one entry; when this returns the line is in the file. */
  append(data: unknown, now: Date = new Date()): TranscriptEntry {
    const entry: TranscriptEntry = { seq: this.#lastSeq + 1, ts: now.toISOString(), data };
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    writeSync(this.#fd, line, 0, line.length, null);
    if ((entry.seq - 1) % INDEX_EVERY === 0 || this.#index.length === 0)
      this.#index.push([entry.seq, this.#size]);
    this.#size += line.length;
    this.#lastSeq = entry.seq;
    return entry;
  }

  /**
   * Entries with seq > sinceSeq, in order: all of them, or as many as `limit`
   * allows (a number is a count of entries). Reading on from where a page
   * ended costs no search.
   */
  readFrom(sinceSeq: number, limit: number | ReadLimit = {}): TranscriptEntry[] {
    const { entries = Number.POSITIVE_INFINITY, bytes = Number.POSITIVE_INFINITY } =
      typeof limit === 'number' ? { entries: limit } : limit;
    const out: TranscriptEntry[] = [];
    if (sinceSeq >= this.#lastSeq || entries <= 0) return out;
    let read = 0;
    this.#scan(this.#startFor(sinceSeq), (line, _offset, end) => {
      const entry = parseLine(line);
      if (!entry || entry.seq <= sinceSeq) return true;
      out.push(entry);
      read += end - _offset;
      if (out.length < entries && read < bytes) return true;
      this.#hint(entry.seq, end);
      return false;
    });
    return out;
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }

  #hint(seq: number, offset: number): void {
    if (seq >= this.#lastSeq) return;
    this.#hints.set(seq, offset);
    if (this.#hints.size > MAX_HINTS) this.#hints.delete(this.#hints.keys().next().value!);
  }

  /** A line start at or before the first entry after `sinceSeq`. */
  #startFor(sinceSeq: number): number {
    const hinted = this.#hints.get(sinceSeq);
    if (hinted !== undefined) return hinted;
    const first = this.#index[0];
    if (first && first[0] <= sinceSeq + 1) {
      let lo = 0;
      let hi = this.#index.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.#index[mid]![0] <= sinceSeq + 1) lo = mid;
        else hi = mid - 1;
      }
      return this.#index[lo]![1];
    }
    return this.#search(sinceSeq + 1, first ? first[1] : this.#size);
  }

  /**
   * Binary search over bytes: the start of a line whose seq is at most `seq`
   * (or 0), within SEARCH_SPAN of that entry's line unless lines are longer.
   * Lines that do not start with a seq are stepped over as unknown.
   */
  #search(seq: number, end: number): number {
    let lo = 0;
    let hi = end;
    while (hi - lo > SEARCH_SPAN) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const probe = this.#lineAfter(mid, hi);
      if (probe === undefined) {
        hi = mid;
        continue;
      }
      if (probe.seq !== undefined && probe.seq <= seq) lo = probe.offset;
      else hi = mid;
    }
    return lo;
  }

  /** The first line starting after `from` and before `limit`, with its seq when it shows one. */
  #lineAfter(from: number, limit: number): { offset: number; seq: number | undefined } | undefined {
    let offset: number | undefined;
    this.#scanBytes(from, limit, (buffer, at) => {
      const nl = buffer.indexOf(10);
      if (nl === -1) return true;
      offset = at + nl + 1;
      return false;
    });
    if (offset === undefined || offset >= limit) return undefined;
    const head = Buffer.alloc(32);
    const read = readSync(this.#fd, head, 0, head.length, offset);
    const match = SEQ_PREFIX.exec(head.toString('latin1', 0, read));
    return { offset, seq: match ? Number(match[1]) : undefined };
  }

  /** Reads [from, limit) a chunk at a time until `visit` returns false. */
  #scanBytes(from: number, limit: number, visit: (buffer: Buffer, at: number) => boolean): void {
    const chunk = Buffer.alloc(Math.min(CHUNK, Math.max(1, limit - from)));
    for (let position = from; position < limit; ) {
      const read = readSync(this.#fd, chunk, 0, Math.min(chunk.length, limit - position), position);
      if (read === 0 || !visit(chunk.subarray(0, read), position)) return;
      position += read;
    }
  }

  /**
   * Finds the end of the last complete line from the file's tail (cutting off
   * a torn one) and the last entry's seq: reads back only as far as the last
   * line that parses.
   */
  #recover(): void {
    const fileSize = fstatSync(this.#fd).size;
    let end = this.#lastNewlineBefore(fileSize);
    const validEnd = end === undefined ? 0 : end + 1;
    if (validEnd < fileSize) ftruncateSync(this.#fd, validEnd);
    this.#size = validEnd;
    while (end !== undefined) {
      const start = (this.#lastNewlineBefore(end) ?? -1) + 1;
      const line = Buffer.alloc(end - start);
      readSync(this.#fd, line, 0, line.length, start);
      const entry = parseLine(line.toString('utf8'));
      if (entry) {
        this.#lastSeq = entry.seq;
        return;
      }
      end = start === 0 ? undefined : start - 1;
    }
  }

  /** The offset of the last newline before `before`, reading backwards a chunk at a time. */
  #lastNewlineBefore(before: number): number | undefined {
    const chunk = Buffer.alloc(CHUNK);
    for (let end = before; end > 0; ) {
      const start = Math.max(0, end - CHUNK);
      const read = readSync(this.#fd, chunk, 0, end - start, start);
      const nl = chunk.subarray(0, read).lastIndexOf(10);
      if (nl !== -1) return start + nl;
      end = start;
    }
    return undefined;
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
