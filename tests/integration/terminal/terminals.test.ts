import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../agent/store/instance-lock.js';
import type { AgentClient } from '../../../shared/agent-client.js';
import type { TerminalEvent } from '../../../shared/protocol.js';
import { connectClient } from '../../helpers/agent-process.js';
import { type ClaudeWorld, claudeWorld } from '../../helpers/claude-fixture.js';
import { waitFor } from '../../helpers/temp.js';

const worlds: ClaudeWorld[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});

function screen(client: AgentClient, terminalId: string) {
  const state = { text: '', exit: undefined as number | undefined, snapshots: 0, snapshotLength: 0 };
  const done = client.subscribe(
    `terminal:${terminalId}`,
    (frame) => {
      const event = frame.data as TerminalEvent;
      if (event.kind === 'snapshot') {
        state.snapshots++;
        state.snapshotLength = event.data.length;
        state.text = event.data;
      } else if (event.kind === 'output') state.text += event.data;
      else state.exit = event.exitCode;
    },
    0,
  );
  return { state, done };
}

describe('terminals', () => {
  it('a shell in the worktree: input, output, resize, reattach with scrollback, exit reported', async () => {
    const w = await claudeWorld();
    worlds.push(w);
    const workspace = await w.workspace();
    const terminal = await w.client.call('terminal.open', { workspaceId: workspace.id, cols: 80, rows: 24 });
    const view = screen(w.client, terminal.id);
    await view.done;
    await w.client.call('terminal.input', { terminalId: terminal.id, data: 'echo ff-$((40+2)); pwd\r' });
    await waitFor(() => view.state.text.includes('ff-42'), { what: 'ff-42' });
    await waitFor(() => view.state.text.includes(workspace.path), { what: 'the worktree as cwd' });
    await w.client.call('terminal.resize', { terminalId: terminal.id, cols: 100, rows: 30 });
    await w.client.call('terminal.input', { terminalId: terminal.id, data: 'stty size; echo $TERM\r' });
    await waitFor(() => view.state.text.includes('30 100'), { what: 'the new size' });
    expect(view.state.text).toContain('xterm-256color');

    // Another client (a reopened popup, a reloaded page) sees the screen again.
    const other = await connectClient(w.agent);
    const again = screen(other, terminal.id);
    await again.done;
    expect(again.state.snapshots).toBe(1);
    expect(again.state.text).toContain('ff-42');
    other.close();

    expect(await w.client.call('terminal.list', { workspaceId: workspace.id })).toMatchObject([
      { id: terminal.id, cols: 100, rows: 30 },
    ]);
    await w.client.call('terminal.input', { terminalId: terminal.id, data: 'exit 3\r' });
    await waitFor(() => view.state.exit === 3, { what: 'the exit code' });
    await expect(
      w.client.call('terminal.input', { terminalId: terminal.id, data: 'x' }),
    ).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
    });
  });

  it('a runaway producer stays within the scrollback and does not stall other requests', async () => {
    const w = await claudeWorld();
    worlds.push(w);
    const workspace = await w.workspace();
    const terminal = await w.client.call('terminal.open', { workspaceId: workspace.id, cols: 80, rows: 24 });
    let received = 0;
    await w.client.subscribe(`terminal:${terminal.id}`, (frame) => {
      const event = frame.data as TerminalEvent;
      if (event.kind === 'output') received += event.data.length;
    });
    await w.client.call('terminal.input', { terminalId: terminal.id, data: 'yes\r' });
    await waitFor(() => received > 5_000_000, { what: '5 MB of yes', timeoutMs: 30_000 });
    // The agent still answers promptly enough to serve a request in the flood.
    const status = await w.client.call('status');
    expect(status.pid).toBe(w.agent.proc.pid);
    const fresh = await connectClient(w.agent);
    const view = screen(fresh, terminal.id);
    await view.done;
    expect(view.state.snapshots).toBe(1);
    expect(view.state.snapshotLength).toBeLessThanOrEqual(1024 * 1024);
    fresh.close();
    await w.client.call('terminal.input', { terminalId: terminal.id, data: '\u0003' });
    await w.client.call('terminal.close', { terminalId: terminal.id });
  });

  it('archiving the workspace and stopping the agent leave no shells behind', async () => {
    const w = await claudeWorld();
    worlds.push(w);
    const workspace = await w.workspace();
    const one = await w.client.call('terminal.open', { workspaceId: workspace.id, cols: 80, rows: 24 });
    // A shell that ignores SIGHUP (as `nohup` or a trap would) must end all the same.
    let output = '';
    await w.client.subscribe(`terminal:${one.id}`, (frame) => {
      const event = frame.data as TerminalEvent;
      if (event.kind === 'output' || event.kind === 'snapshot') output += event.data;
    });
    await w.client.call('terminal.input', {
      terminalId: one.id,
      data: "trap '' HUP; echo trapped-$((40+2))\r",
    });
    await waitFor(() => output.includes('trapped-42'), { what: 'the shell to ignore SIGHUP' });
    await w.client.call('workspace.archive', { workspaceId: workspace.id, force: true });
    await waitFor(() => !isProcessAlive(one.pid), { what: 'the shell to end with its workspace' });
    const other = await w.workspace();
    const two = await w.client.call('terminal.open', { workspaceId: other.id, cols: 80, rows: 24 });
    await w.restart();
    await waitFor(() => !isProcessAlive(two.pid), { what: 'the shell to end with the agent' });
    expect(await w.client.call('terminal.list')).toEqual([]);
  });
});
