import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../agent/store/instance-lock.js';
import type { TerminalEvent } from '../../../shared/protocol.js';
import { isToolResultTurn, lastUserText, type Responder } from '../../fakes/anthropic-api/server.js';
import { type ClaudeWorld, claudeWorld, waitForSession } from '../../helpers/claude-fixture.js';
import { waitFor } from '../../helpers/temp.js';

const worlds: ClaudeWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

const bashReplies: Responder = (request) => {
  if (isToolResultTurn(request)) return { text: 'done' };
  const bash = /^bash (.*)$/s.exec(lastUserText(request));
  if (bash) return { toolUse: { name: 'Bash', input: { command: bash[1]!, description: 'run it' } } };
  return { text: `You said: ${lastUserText(request)}` };
};

/**
 * A shell command for a job that keeps re-creating `dir` (as a dev server's
 * cache or a watcher does), after writing its pid to `pidFile`; detached
 * from its shell with `how` (`nohup` keeps its session, `setsid` leaves it).
 */
function recreator(how: 'nohup' | 'setsid', pidFile: string, dir: string): string {
  return `${how} sh -c 'echo $$ > ${pidFile}; cd /; while true; do mkdir -p ${dir}; sleep 0.1; done' >/dev/null 2>&1 </dev/null &`;
}

const pidIn = (file: string) =>
  existsSync(file) && readFileSync(file, 'utf8').trim() ? Number(readFileSync(file, 'utf8')) : undefined;

describe.skipIf(process.platform !== 'linux')('archive stops what the workspace started', () => {
  it('a terminal’s background jobs, nohup’d or setsid’d away from its shell, end before the snapshot; restore finds the folder free', async () => {
    const w = await claudeWorld();
    worlds.push(w);
    const workspace = await w.workspace();
    const terminal = await w.client.call('terminal.open', { workspaceId: workspace.id, cols: 80, rows: 24 });
    let screen = '';
    await w.client.subscribe(`terminal:${terminal.id}`, (frame) => {
      const event = frame.data as TerminalEvent;
      if (event.kind === 'output' || event.kind === 'snapshot') screen += event.data;
    });
    const pids = [join(w.root, 'nohup.pid'), join(w.root, 'setsid.pid')];
    await w.client.call('terminal.input', {
      terminalId: terminal.id,
      data: `${recreator('nohup', pids[0]!, join(workspace.path, 'cache'))}\r${recreator('setsid', pids[1]!, join(workspace.path, 'tmp'))}\rdisown -a; echo started-$((40+2))\r`,
    });
    await waitFor(() => screen.includes('started-42'), { what: 'the jobs to start' });
    const jobs = await waitFor(
      () => {
        const found = pids.map(pidIn);
        return found.every((pid) => pid !== undefined) && existsSync(join(workspace.path, 'tmp'))
          ? found
          : undefined;
      },
      { what: 'both jobs to run' },
    );

    await w.client.call('workspace.archive', { workspaceId: workspace.id, force: true });
    // Ended before the snapshot, so nothing re-creates the worktree folder: it is gone, and stays free.
    for (const pid of jobs) expect(isProcessAlive(pid as number), `job ${pid}`).toBe(false);
    expect(existsSync(workspace.path)).toBe(false);
    const restored = await w.client.call('workspace.restore', { workspaceId: workspace.id });
    expect(restored.status).toBe('ready');
  }, 90_000);

  it('a job a session’s Bash tool left running (even in a session of its own) ends with the archive', async () => {
    const w = await claudeWorld(bashReplies);
    worlds.push(w);
    const workspace = await w.workspace();
    const pidFile = join(w.root, 'tool-job.pid');
    // Inside the OS sandbox (the default) a Bash tool's job ends with its command: the sandbox
    // runs each command in a process namespace of its own. What outlives a tool call is a
    // session outside it — a project that opted out, or a machine without the sandbox's tools.
    await w.client.call('project.set', { project: 'octo/app', sandbox: false });
    const session = await w.client.call('session.start', {
      workspaceId: workspace.id,
      permissionMode: 'bypassPermissions',
      prompt: `bash ${recreator('setsid', pidFile, join(workspace.path, '.next'))}`,
    });
    await waitForSession(
      w.client,
      session.id,
      (s) => s.status === 'idle' && s.turns >= 1,
      'the tool turn',
      60_000,
    );
    const job = await waitFor(() => pidIn(pidFile), { what: 'the job to run', timeoutMs: 20_000 });
    expect(isProcessAlive(job)).toBe(true);

    await w.client.call('workspace.archive', { workspaceId: workspace.id, force: true });
    expect(isProcessAlive(job)).toBe(false);
    expect(existsSync(workspace.path)).toBe(false);
    expect((await w.client.call('workspace.restore', { workspaceId: workspace.id })).status).toBe('ready');
  }, 120_000);
});
