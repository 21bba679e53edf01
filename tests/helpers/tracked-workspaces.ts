/**
 * Many tracked workspaces without making hundreds of worktrees, and counting the state writes
 * they cause (for the ratchet's tests and bench; no vitest here, the bench imports it).
 */
import { mkdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentClient } from '../../shared/agent-client.js';

/**
 * Adds `count` ready workspaces (branches `many/<i>`, folders under `dir`) of the home's first
 * project to the state of a stopped agent. Making hundreds of worktrees one by one would take
 * minutes, and the ratchet reads only the records: the worktrees are empty folders.
 */
export function writeTrackedWorkspaces(
  home: string,
  dir: string,
  count: number,
): Array<{ id: string; branch: string }> {
  const file = join(home, 'state.json');
  const state = JSON.parse(readFileSync(file, 'utf8')) as {
    projects: Array<{ id: string }>;
    workspaces: Array<Record<string, unknown>>;
  };
  const now = new Date().toISOString();
  const workspaces = Array.from({ length: count }, (_, i) => {
    const path = join(dir, String(i));
    mkdirSync(path, { recursive: true });
    return {
      id: `many-${i}`,
      projectId: state.projects[0]!.id,
      branch: `many/${i}`,
      baseBranch: 'main',
      path,
      status: 'ready',
      createdAt: now,
      updatedAt: now,
    };
  });
  state.workspaces.push(...workspaces);
  writeFileSync(file, JSON.stringify(state));
  return workspaces;
}

/**
 * Counts the agent's writes of state.json from now (each write renames a new file onto it).
 * `settled` ends the count: a settings change, which the agent writes after everything it
 * was asked before and answers once it is on disk, marks the end (its own write is not
 * counted; sharing a write still waiting makes the count one less, never more).
 */
export function countStateWrites(home: string): {
  settled(client: AgentClient): Promise<number>;
  close(): void;
} {
  let writes = 0;
  const watcher = watch(home, (event, file) => {
    if (event === 'rename' && file === 'state.json') writes++;
  });
  return {
    async settled(client) {
      const { gcAfterDays } = await client.call('settings.get');
      await client.call('settings.set', { gcAfterDays: gcAfterDays + 1 });
      // The rename happened before the answer was sent: its event is read in the same turn or an earlier one.
      await new Promise((resolve) => setImmediate(resolve));
      return writes - 1;
    },
    close: () => watcher.close(),
  };
}
