import { readFileSync, writeFileSync } from 'node:fs';

/** One line of `npm run bench`. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

export function figure(name: string, value: number, unit: string, baseline?: number): Figure {
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    name,
    value: round(value),
    unit,
    ...(baseline === undefined ? {} : { baseline: round(baseline), ratio: round(value / baseline) }),
  };
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const median = (samples: number[]) => percentile(samples, 50);

/** CPU time (user + system) a process has used so far, in ms: Linux clock ticks, 100 per second. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * How far a process's resident memory rose above where it was while `work`
 * ran, in MB: Linux's high-water mark (VmHWM), reset first, so a peak between
 * two samples is not missed.
 */
export async function peakRssGrowthMb(pid: number, work: () => Promise<unknown>): Promise<number> {
  const kb = (key: string) =>
    Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const before = kb('VmRSS');
  await work();
  return (kb('VmHWM') - before) / 1024;
}
