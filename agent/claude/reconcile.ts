import { readFileSync } from 'node:fs';
import type { Logger } from '../logger.js';
import { isProcessAlive } from '../store/instance-lock.js';
import { LIVE_STATUSES } from './session-status.js';
import type { SessionsContext } from './sessions.js';

/**
 * Start-up: no claude process survives the agent (we never detach them),
 * so sessions recorded as live are now interrupted — resumable with their
 * history.
 */
export async function reconcileSessions({ state, transcripts, log }: SessionsContext): Promise<void> {
  const now = new Date().toISOString();
  const changed: string[] = [];
  // An agent killed with -9 cannot take its children along: end the claude processes it left.
  await Promise.all(state.data.sessions.filter((s) => s.pid).map((s) => endOrphanClaude(s.pid!, log)));
  await state.update((draft) => {
    for (const session of draft.sessions) {
      delete session.pid;
      if (LIVE_STATUSES.includes(session.status)) {
        session.status = 'interrupted';
        session.statusDetail = 'ff-agent restarted; send a message or resume to continue.';
        session.updatedAt = now;
        changed.push(session.id);
      }
    }
  });
  for (const id of changed)
    transcripts.append(id, { kind: 'status', status: 'interrupted', detail: 'ff-agent restarted' });
}

/** Whether a process's command line is a headless claude's (the flags ff always passes) — pure. */
export function isHeadlessClaude(cmdline: string): boolean {
  return cmdline.includes('stream-json') && cmdline.includes('--input-format');
}

/**
 * Ends a claude process (and its process group: a Bash tool's shell) left
 * running by an agent that died, if that pid still is one (Linux: its
 * command line is checked, so a reused pid of another program is never
 * signalled; elsewhere nothing is done). The supervisor normally ended it
 * already; this is the second line of defence.
 */
async function endOrphanClaude(pid: number, log: Logger): Promise<void> {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // No such process any more (or no /proc: not Linux): nothing to end.
    return;
  }
  if (!isHeadlessClaude(cmdline)) return;
  log.warn(`Ending claude process ${pid} left behind by a previous ff-agent`);
  // Its process group first (the tools' shells with it); the pid alone when it leads none.
  const signal = (name: NodeJS.Signals): boolean => {
    try {
      process.kill(-pid, name);
      return true;
    } catch {
      try {
        process.kill(pid, name);
        return true;
      } catch {
        return false;
      }
    }
  };
  if (!signal('SIGTERM')) return;
  for (let waited = 0; waited < 3000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!isProcessAlive(pid)) return;
  }
  signal('SIGKILL');
}
