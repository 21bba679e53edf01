import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { CostHistory } from '../../shared/protocol.js';

/** Statuses after which the next `result` comes from a new claude process, whose totals start at zero. */
const PROCESS_BOUNDARY = new Set(['starting', 'exited', 'crashed', 'interrupted']);

export interface DayCost {
  /** YYYY-MM-DD (UTC). */
  day: string;
  usd: number;
}

/**
 * What each turn of a session cost, by day, from its transcript's lines. The
 * CLI's `total_cost_usd` is the running total of its process, so a turn's
 * cost is the difference from the previous result of the same process.
 */
export function turnCosts(lines: Iterable<string>, startTotal = 0): { costs: DayCost[]; total: number } {
  const out: DayCost[] = [];
  let total = startTotal;
  for (const text of lines) {
    if (!text.includes('"result"') && !text.includes('"status"')) continue;
    let entry: { ts?: unknown; data?: { kind?: unknown; status?: unknown; line?: Record<string, unknown> } };
    try {
      entry = JSON.parse(text);
    } catch {
      continue;
    }
    const data = entry.data;
    if (data?.kind === 'status' && typeof data.status === 'string' && PROCESS_BOUNDARY.has(data.status)) {
      total = 0;
      continue;
    }
    const line = data?.kind === 'claude' ? data.line : undefined;
    if (line?.type !== 'result' || typeof line.total_cost_usd !== 'number' || typeof entry.ts !== 'string')
      continue;
    const now = line.total_cost_usd;
    const usd = now >= total ? now - total : now;
    total = now;
    if (usd > 0) out.push({ day: entry.ts.slice(0, 10), usd });
  }
  return { costs: out, total };
}

/** The last `days` days ending today (UTC), oldest first. */
export function dayRange(days: number, today: Date): string[] {
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) {
    out.push(new Date(today.getTime() - i * 86_400_000).toISOString().slice(0, 10));
  }
  return out;
}

/** Sums sessions' turn costs into one row per repo, aligned with `days`; repos ordered by cost, highest first. */
export function aggregateCosts(
  sessions: Array<{ repo: string; costs: DayCost[] }>,
  days: string[],
): CostHistory {
  const index = new Map(days.map((day, i) => [day, i]));
  const byRepo = new Map<string, number[]>();
  let totalUsd = 0;
  for (const { repo, costs } of sessions) {
    for (const { day, usd } of costs) {
      const i = index.get(day);
      if (i === undefined) continue;
      let row = byRepo.get(repo);
      if (!row) {
        row = days.map(() => 0);
        byRepo.set(repo, row);
      }
      row[i] = (row[i] ?? 0) + usd;
      totalUsd += usd;
    }
  }
  const repos = [...byRepo]
    .map(([repo, usd]) => ({ repo, usd }))
    .sort((a, b) => sum(b.usd) - sum(a.usd) || a.repo.localeCompare(b.repo));
  return { days, repos, totalUsd };
}

/**
 * Several machines' histories as one over `days` (this machine's): a repo worked on in two
 * places is one row with both costs; a day another clock calls different is dropped — pure.
 */
export function mergeCostHistories(histories: readonly CostHistory[], days: string[]): CostHistory {
  return aggregateCosts(
    histories.flatMap((history) =>
      history.repos.map(({ repo, usd }) => ({
        repo,
        costs: history.days.map((day, i) => ({ day, usd: usd[i] ?? 0 })),
      })),
    ),
    days,
  );
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/**
 * Turn costs per transcript, cached by file size: transcripts only grow, so a
 * file whose size did not change is not read again, and one that grew is read
 * from where the last read stopped.
 */
export class CostCache {
  readonly #dir: string;
  readonly #cache = new Map<string, { size: number; costs: DayCost[]; total: number; tail: string }>();

  constructor(transcriptsDir: string) {
    this.#dir = transcriptsDir;
  }

  costs(sessionId: string): DayCost[] {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(sessionId)) return [];
    const path = join(this.#dir, `${sessionId}.jsonl`);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return [];
    }
    try {
      const size = fstatSync(fd).size;
      const cached = this.#cache.get(sessionId);
      if (cached && cached.size === size) return cached.costs;
      // Whole file again if it shrank (it never should); else only what was appended.
      const from = cached && cached.size < size ? cached.size : 0;
      const buffer = Buffer.alloc(size - from);
      let read = 0;
      while (read < buffer.length) {
        const n = readSync(fd, buffer, read, buffer.length - read, from + read);
        if (n === 0) break;
        read += n;
      }
      const text = (from > 0 ? cached!.tail : '') + buffer.subarray(0, read).toString('utf8');
      const lines = text.split('\n');
      const tail = lines.pop() ?? '';
      const fresh = turnCosts(lines, from > 0 ? cached!.total : 0);
      const costs = from > 0 ? [...cached!.costs, ...fresh.costs] : fresh.costs;
      this.#cache.set(sessionId, { size: from + read, costs, total: fresh.total, tail });
      return costs;
    } finally {
      closeSync(fd);
    }
  }
}
