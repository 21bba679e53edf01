import { readFileSync } from 'node:fs';

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
