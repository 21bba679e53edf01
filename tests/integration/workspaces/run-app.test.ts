import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { portFree } from '../../../agent/workspaces/port-block.js';
import type { Preview, WorkspaceView } from '../../../shared/domain.js';
import { WorkspaceEvent } from '../../../shared/protocol.js';
import { isToolResultTurn, lastUserText, type Responder } from '../../fakes/anthropic-api/server.js';
import { runCli } from '../../helpers/agent-process.js';
import { agentWithRepo, readyWorkspace } from '../../helpers/agent-with-repo.js';
import { claudeWorld, waitForSession } from '../../helpers/claude-fixture.js';
import { waitFor } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The app: a real HTTP server on the port ff gives it, as conductor.json would start it.
const SERVER = `node -e "require('http').createServer((q, s) => s.end('hello from ' + process.env.FF_WORKSPACE_BRANCH)).listen(Number(process.env.FF_PORT), '127.0.0.1')"`;

/** An agent on a repo whose conductor.json runs SERVER, and a ready workspace of it with its first port. */
async function appWorkspace() {
  const f = await agentWithRepo(cleanups, (repo) => {
    repo.pushToOrigin('conductor.json', JSON.stringify({ scripts: { run: SERVER } }));
    repo.git(repo.clone, 'pull', '-q');
  });
  await f.client.call('project.add', { path: f.repo.clone });
  const w = await readyWorkspace(f.client, 4, 'run it');
  return { f, w, port: w.ports!.first };
}

describe('workspace run', () => {
  it('runs the repo run script in a terminal, its server answers on FF_PORT, is listed as a preview, and --stop ends it', async () => {
    const { f, w, port } = await appWorkspace();
    cleanups.push(() => runCli(['workspace', 'run', w.id, '--stop'], f.env));

    const started = await runCli(['workspace', 'run', w.id], f.env);
    expect(started.stderr).toBe('');
    expect(started.stdout).toMatch(/^Running in terminal \w+/);
    const body = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
        return response?.ok ? response.text() : undefined;
      },
      { what: `the app to answer on ${port}`, timeoutMs: 15_000 },
    );
    expect(body).toBe(`hello from ${w.branch}`);

    const got = await runCli(['workspace', 'get', w.id, '--json'], f.env);
    const view = JSON.parse(got.stdout) as WorkspaceView;
    expect(view.previews).toEqual([
      {
        port,
        url: `http://localhost:${port}/`,
        pid: expect.any(Number),
        command: expect.stringContaining('node -e'),
      },
    ]);
    // Here, a preview opens as it is: its own URL, and `workspace open` prints it; another port is refused.
    expect(await f.client.call('preview.open', { workspaceId: w.id, port })).toEqual({
      url: `http://localhost:${port}/`,
    });
    expect((await runCli(['workspace', 'open', w.id], f.env)).stdout).toBe(`http://localhost:${port}/\n`);
    await expect(f.client.call('preview.open', { workspaceId: w.id, port: port + 1 })).rejects.toThrow(
      `Port ${port + 1} is not a preview of workspace ${w.id}: its previews are ${port}.`,
    );
    // Running it again answers the terminal already running it.
    const again = await f.client.call('workspace.run', { workspaceId: w.id });
    expect((await f.client.call('terminal.list', { workspaceId: w.id })).filter((t) => t.run)).toHaveLength(
      1,
    );
    expect(again.run).toBe(true);

    const stopped = await runCli(['workspace', 'run', w.id, '--stop'], f.env);
    expect(stopped.stdout).toBe('Stopped the run script.\n');
    await waitFor(async () => ((await portFree(port)) ? true : undefined), {
      what: `port ${port} to be free again`,
      timeoutMs: 10_000,
    });
    expect((await f.client.call('workspace.get', { workspaceId: w.id })).previews).toEqual([]);
  });

  it('a server started in a workspace is pushed as its preview and listed by workspace.list, and goes when it stops', async () => {
    const { f, w, port } = await appWorkspace();
    const other = await readyWorkspace(f.client, 5, 'not this one');
    cleanups.push(() => runCli(['workspace', 'run', w.id, '--stop'], f.env));
    const pushed: Preview[][] = [];
    await f.client.subscribe(`workspace:${w.id}`, (frame) => {
      const event = WorkspaceEvent.parse(frame.data);
      if (event.kind === 'previews') pushed.push(event.previews);
    });
    const listed = async () => (await f.client.call('workspace.list')).find((v) => v.id === w.id)?.previews;

    await f.client.call('workspace.run', { workspaceId: w.id });
    // Nobody asks: the agent looks on its own while the run script's terminal is open, and says so.
    await waitFor(() => pushed.at(-1)?.length === 1, {
      what: 'a previews event with the server',
      timeoutMs: 15_000,
    });
    expect(pushed.at(-1)).toEqual([
      {
        port,
        url: `http://localhost:${port}/`,
        pid: expect.any(Number),
        command: expect.stringContaining('node -e'),
      },
    ]);
    const list = await f.client.call('workspace.list');
    expect(list.find((v) => v.id === w.id)?.previews?.map((p) => p.port)).toEqual([port]);
    expect(list.find((v) => v.id === other.id)?.previews).toEqual([]);

    await f.client.call('workspace.stopRun', { workspaceId: w.id });
    await waitFor(() => pushed.at(-1)?.length === 0, {
      what: 'a previews event without it',
      timeoutMs: 15_000,
    });
    expect(await listed()).toEqual([]);
  });

  it('archive ends the running app before it returns: its server no longer answers and its port is free at once', async () => {
    const { f, w, port } = await appWorkspace();
    await f.client.call('workspace.run', { workspaceId: w.id });
    await waitFor(
      async () => ((await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok ? true : undefined),
      { what: `the app to answer on ${port}`, timeoutMs: 15_000 },
    );

    const archived = await f.client.call('workspace.archive', { workspaceId: w.id });
    expect(archived.status).toBe('archived');
    expect(await portFree(port)).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    expect(await f.client.call('terminal.list', { workspaceId: w.id })).toEqual([]);
  });

  it('without a run script anywhere, says where to declare one', async () => {
    const f = await agentWithRepo(cleanups);
    await f.client.call('project.add', { path: f.repo.clone });
    const w = await readyWorkspace(f.client, 4, 'run it');
    const result = await runCli(['workspace', 'run', w.id], f.env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('ff-agent project set <owner/repo> --run');
  });
});

const bashReplies: Responder = (request) => {
  if (isToolResultTurn(request)) return { text: 'done' };
  const bash = /^bash (.*)$/s.exec(lastUserText(request));
  if (bash) return { toolUse: { name: 'Bash', input: { command: bash[1]!, description: 'run it' } } };
  return { text: `You said: ${lastUserText(request)}` };
};

describe('a session and the app', () => {
  it("a sandboxed session's commands get the workspace's FF_PORT and PORT, as its terminals do", async () => {
    const w = await claudeWorld(bashReplies);
    cleanups.push(() => w.close());
    const workspace = await w.workspace();
    expect(workspace.ports).toBeDefined();
    const session = await w.client.call('session.start', {
      workspaceId: workspace.id,
      permissionMode: 'bypassPermissions',
      prompt: 'bash echo "$FF_PORT $PORT $FF_WORKSPACE_ID" > ports.txt',
    });
    expect(session.sandbox?.state).toBe('on');
    await waitForSession(
      w.client,
      session.id,
      (s) => s.status === 'idle' && s.turns >= 1,
      'the tool turn',
      60_000,
    );
    const file = join(workspace.path, 'ports.txt');
    expect(existsSync(file)).toBe(true);
    const first = workspace.ports!.first;
    expect(readFileSync(file, 'utf8').trim()).toBe(`${first} ${first} ${workspace.id}`);
  }, 90_000);
});
