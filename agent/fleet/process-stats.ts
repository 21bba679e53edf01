import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Linux reports CPU time in clock ticks; USER_HZ is 100 on every architecture Linux ships. */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** When the sample was taken (ms since the epoch). */
  at: number;
}

export interface ProcessStats {
  pid: number;
  cpuPercent: number;
  rssBytes: number;
}

/**
 * Reads `/proc/<pid>/stat`: the CPU ticks used and the start time (ticks after
 * boot). The command name (field 2) may hold spaces and parentheses, so fields
 * are counted after its last `)`.
 */
export function parseProcStat(text: string): { ticks: number; startTicks: number } | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // fields[0] is field 3 (state): utime is field 14, stime 15, starttime 22.
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const start = Number(fields[19]);
  if (![utime, stime, start].every(Number.isFinite)) return undefined;
  return { ticks: utime + stime, startTicks: start };
}

/** `VmRSS:   123456 kB` from `/proc/<pid>/status`, in bytes. */
export function parseVmRss(text: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** One line of `ps -o %cpu=,rss=`: CPU percent and RSS in KiB (macOS, BSDs). */
export function parsePsLine(text: string): { cpuPercent: number; rssBytes: number } | undefined {
  const [cpu, rss] = text.trim().split(/\s+/).map(Number);
  if (cpu === undefined || rss === undefined || !Number.isFinite(cpu) || !Number.isFinite(rss))
    return undefined;
  return { cpuPercent: cpu, rssBytes: rss * 1024 };
}

/**
 * CPU use of one core, in percent, between two samples; without an earlier
 * sample, the average since the process started.
 */
export function cpuPercent(
  current: CpuSample,
  previous: CpuSample | undefined,
  lifetime: { startTicks: number; uptimeSeconds: number },
): number {
  if (previous && current.at > previous.at && current.ticks >= previous.ticks) {
    const seconds = (current.at - previous.at) / 1000;
    return round1(((current.ticks - previous.ticks) / TICKS_PER_SECOND / seconds) * 100);
  }
  const alive = lifetime.uptimeSeconds - lifetime.startTicks / TICKS_PER_SECOND;
  return alive > 0 ? round1((current.ticks / TICKS_PER_SECOND / alive) * 100) : 0;
}

function round1(value: number): number {
  return Math.max(0, Math.round(value * 10) / 10);
}

/**
 * Samples processes' CPU and memory: from /proc where there is one (Linux),
 * else from `ps`. Keeps each pid's last sample so the CPU figure is the use
 * since the previous look, not the lifetime average.
 */
export class ProcessSampler {
  readonly #last = new Map<number, CpuSample>();

  async sample(pids: number[]): Promise<Map<number, ProcessStats>> {
    const out = new Map<number, ProcessStats>();
    await Promise.all(
      pids.map(async (pid) => {
        const stats = (await this.#fromProc(pid)) ?? (await fromPs(pid));
        if (stats) out.set(pid, stats);
      }),
    );
    for (const pid of this.#last.keys()) if (!pids.includes(pid)) this.#last.delete(pid);
    return out;
  }

  async #fromProc(pid: number): Promise<ProcessStats | undefined> {
    try {
      const [stat, status, uptime] = await Promise.all([
        readFile(`/proc/${pid}/stat`, 'utf8'),
        readFile(`/proc/${pid}/status`, 'utf8'),
        readFile('/proc/uptime', 'utf8'),
      ]);
      const parsed = parseProcStat(stat);
      const rssBytes = parseVmRss(status);
      if (!parsed || rssBytes === undefined) return undefined;
      const current = { ticks: parsed.ticks, at: Date.now() };
      const cpu = cpuPercent(current, this.#last.get(pid), {
        startTicks: parsed.startTicks,
        uptimeSeconds: Number.parseFloat(uptime),
      });
      this.#last.set(pid, current);
      return { pid, cpuPercent: cpu, rssBytes };
    } catch {
      return undefined;
    }
  }
}

async function fromPs(pid: number): Promise<ProcessStats | undefined> {
  if (process.platform === 'linux' || process.platform === 'win32') return undefined;
  try {
    const { stdout } = await run('ps', ['-o', '%cpu=,rss=', '-p', String(pid)], { timeout: 5_000 });
    const parsed = parsePsLine(stdout);
    return parsed ? { pid, ...parsed } : undefined;
  } catch {
    return undefined;
  }
}
