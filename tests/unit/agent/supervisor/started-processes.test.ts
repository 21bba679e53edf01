import { describe, expect, it } from 'vitest';
import {
  type ProcessRow,
  parsePsRows,
  parseStatRow,
  processesToStop,
} from '../../../../agent/supervisor/started-processes.js';

const row = (pid: number, ppid: number, pgid = pid, sid = pgid, zombie = false): ProcessRow => ({
  pid,
  ppid,
  pgid,
  sid,
  zombie,
});

/** A machine: init; the agent (100, started from a shell 90); a claude session (200) with a tool's job; a terminal (300). */
const machine: ProcessRow[] = [
  row(1, 0),
  row(90, 1),
  row(100, 90, 90, 90),
  row(200, 100), // claude: leads its group
  row(201, 200, 200, 200), // its Bash tool
  row(202, 1, 200, 200), // a job the tool left (reparented to init, same group)
  row(300, 100), // a terminal's shell: leads its session
  row(301, 300, 301, 300), // a background job: its own group, the shell's session
  row(302, 1, 302, 300), // a nohup'd job whose shell is gone: still in the session
  row(400, 1), // setsid'd away: nothing but its mark ties it to the workspace
  row(401, 400, 400, 400),
  row(500, 1), // someone else's program
  row(203, 200, 200, 200, true), // a zombie: gone already
];

describe('processesToStop', () => {
  it.each([
    ['a session’s group, what its tools left there too', [{ groups: [200] }], [], [200, 201, 202]],
    ['a terminal’s session: the shell and every job in it', [{ sessions: [300] }], [], [300, 301, 302]],
    ['a marked process and its children, wherever they run', [], [400], [400, 401]],
    ['nothing started, nothing marked: nothing', [], [], []],
  ])('%s', (_, started, marked, pids) => {
    expect(processesToStop(machine, started, new Set(marked), 100)).toEqual(pids);
  });

  it('never the agent, nor what it runs under, even when marked (it was started from that workspace’s terminal)', () => {
    expect(processesToStop(machine, [{ groups: [90] }], new Set([100, 90, 1]), 100)).toEqual([]);
  });
});

describe('parseStatRow', () => {
  it('reads ppid, group and session after a command name with spaces and parentheses', () => {
    expect(parseStatRow(42, '42 (a (weird) name) S 7 42 40 0 -1 4194304 0')).toEqual({
      pid: 42,
      ppid: 7,
      pgid: 42,
      sid: 40,
      zombie: false,
    });
    expect(parseStatRow(43, '43 (sh) Z 1 43 43 0')?.zombie).toBe(true);
    expect(parseStatRow(44, 'garbage')).toBeUndefined();
  });
});

describe('parsePsRows', () => {
  it('reads pid, ppid, group and state; no session id there', () => {
    expect(parsePsRows('  1     0     1 Ss\n 77     1    77 Z+\nbad line\n')).toEqual([
      { pid: 1, ppid: 0, pgid: 1, sid: -1, zombie: false },
      { pid: 77, ppid: 1, pgid: 77, sid: -1, zombie: true },
    ]);
  });
});
