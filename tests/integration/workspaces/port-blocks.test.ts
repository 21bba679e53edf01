import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blocksOverlap, chooseFreeBlock } from '../../../agent/workspaces/port-block.js';
import type { WorkspaceView } from '../../../shared/domain.js';
import { connectClient, spawnAgent } from '../../helpers/agent-process.js';
import { type AgentWithRepo, agentWithRepo } from '../../helpers/agent-with-repo.js';
import { waitFor } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function ready(f: AgentWithRepo, id: string): Promise<WorkspaceView> {
  return waitFor(
    async () => {
      const w = await f.client.call('workspace.get', { workspaceId: id });
      if (w.status === 'failed') throw new Error(`provisioning failed: ${w.failure?.message}`);
      return w.status === 'ready' ? w : undefined;
    },
    { what: `workspace ${id} to be ready`, timeoutMs: 30_000 },
  );
}

/** Another program listening on `port` (on all interfaces, as a dev server would). */
async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', resolve);
  });
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return server;
}

describe('port blocks', () => {
  it('three workspaces made at once get blocks of 10 that do not overlap, skip a port another program holds, and hand FF_PORT to setup', async () => {
    const f = await agentWithRepo(cleanups);
    // The block the agent would choose first, with one of its ports now taken by another program.
    const first = await chooseFreeBlock([]);
    const taken = first.first + 3;
    await occupy(taken);
    await f.client.call('project.add', {
      path: f.repo.clone,
      setupScript: 'echo "$FF_PORT $PORT $CONDUCTOR_PORT $FF_PORT_COUNT" > .ports',
    });
    const created = await Promise.all(
      [1, 2, 3].map((issue) =>
        f.client.call('workspace.create', {
          project: 'octo/app',
          issue: { number: issue, title: `task ${issue}` },
          startSession: false,
        }),
      ),
    );
    const workspaces = await Promise.all(created.map((c) => ready(f, c.workspace.id)));
    const blocks = workspaces.map((w) => w.ports!);
    for (const block of blocks) {
      expect(block.count).toBe(10);
      expect(taken >= block.first && taken < block.first + block.count).toBe(false);
    }
    expect(blocksOverlap(blocks[0]!, blocks[1]!)).toBe(false);
    expect(blocksOverlap(blocks[0]!, blocks[2]!)).toBe(false);
    expect(blocksOverlap(blocks[1]!, blocks[2]!)).toBe(false);
    for (const w of workspaces) {
      const p = String(w.ports!.first);
      expect(readFileSync(join(w.path, '.ports'), 'utf8')).toBe(`${p} ${p} ${p} 10\n`);
    }
  });

  it('a block stays the same across an agent restart, is released at archive, and a project can turn PORT off', async () => {
    const f = await agentWithRepo(cleanups);
    await f.client.call('project.add', { path: f.repo.clone, setupScript: 'echo "$FF_PORT:$PORT" > .ports' });
    await f.client.call('project.set', { project: 'octo/app', portVariable: false });
    const { workspace } = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 7, title: 'seven' },
      startSession: false,
    });
    const before = await ready(f, workspace.id);
    expect(readFileSync(join(before.path, '.ports'), 'utf8')).toBe(`${before.ports!.first}:\n`);

    f.client.close();
    await f.agent.stop();
    const agent = await spawnAgent(f.home, { env: f.repo.env });
    const client = await connectClient(agent);
    cleanups.push(async () => {
      client.close();
      await agent.stop();
    });
    expect((await client.call('workspace.get', { workspaceId: workspace.id })).ports).toEqual(before.ports);

    const archived = await client.call('workspace.archive', { workspaceId: workspace.id, force: true });
    expect(archived.ports).toBeUndefined();
  });
});
