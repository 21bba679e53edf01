import { describe, expect, it } from 'vitest';
import { cpuPercent, parseProcStat, parsePsLine, parseVmRss } from '../../../../agent/fleet/process-stats.js';

describe('process figures', () => {
  it('reads CPU ticks and start time from /proc/<pid>/stat, even with ") " in the command name', () => {
    const stat =
      '4242 (node (claude) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 98765 1000000 20000 18446744073709551615';
    expect(parseProcStat(stat)).toEqual({ ticks: 300, startTicks: 98765 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it('reads VmRSS in bytes from /proc/<pid>/status', () => {
    expect(parseVmRss('Name:\tclaude\nVmPeak:\t 9 kB\nVmRSS:\t  190000 kB\n')).toBe(190000 * 1024);
    expect(parseVmRss('Name:\tzombie\n')).toBeUndefined();
  });

  it('reads `ps -o %cpu=,rss=`', () => {
    expect(parsePsLine('  12.5 204800\n')).toEqual({ cpuPercent: 12.5, rssBytes: 204800 * 1024 });
    expect(parsePsLine('')).toBeUndefined();
  });

  it.each([
    [
      'between samples: 50 ticks in 1 s is half a core',
      { ticks: 150, at: 2000 },
      { ticks: 100, at: 1000 },
      50,
    ],
    ['two cores busy for 1 s', { ticks: 300, at: 2000 }, { ticks: 100, at: 1000 }, 200],
    [
      'no earlier sample: the average since start (100 ticks over 10 s)',
      { ticks: 100, at: 0 },
      undefined,
      10,
    ],
  ])('CPU %s', (_name, current, previous, expected) => {
    expect(cpuPercent(current, previous, { startTicks: 1000, uptimeSeconds: 20 })).toBe(expected);
  });
});
