import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isToolResultTurn, lastUserText, type Responder } from '../../fakes/anthropic-api/server.js';
import { type ClaudeWorld, claudeWorld, waitForSession } from '../../helpers/claude-fixture.js';

const worlds: ClaudeWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

/** `write <path> <text>` asks for a Write; a second path on the line is a second Write in the next turn. */
const writer: Responder = (request) => {
  if (isToolResultTurn(request)) return { text: 'written' };
  const write = /^write (\S+) (.*)$/.exec(lastUserText(request));
  if (write) return { toolUse: { name: 'Write', input: { file_path: write[1]!, content: `${write[2]}\n` } } };
  return { text: 'ok' };
};

describe('the fleet view figures', () => {
  it("shows a waiting session's tool, its claude process's CPU and memory, and its cost per day and repo", async () => {
    const w = await claudeWorld(writer);
    worlds.push(w);
    const workspace = await w.workspace();
    const file = join(workspace.path, 'a.txt');
    const session = await w.client.call('session.start', {
      workspaceId: workspace.id,
      permissionMode: 'ask',
      prompt: `write ${file} one`,
    });
    await waitForSession(w.client, session.id, (s) => s.status === 'waiting-permission', 'permission');
    const rows = await w.client.call('fleet.status');
    const row = rows.find((r) => r.sessionId === session.id);
    expect(row?.tool).toMatchObject({ name: 'Write', summary: file });
    expect(row?.process?.pid).toBeGreaterThan(0);
    // The real claude CLI is a Node process: tens of megabytes at least.
    expect(row?.process?.rssBytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(row?.process?.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(Date.parse(row!.statusSince)).toBeLessThanOrEqual(Date.now());

    const pending = (await w.client.call('session.get', { sessionId: session.id })).pendingPermissions[0]!;
    await w.client.call('permission.respond', {
      sessionId: session.id,
      requestId: pending.requestId,
      allow: true,
    });
    const done = await waitForSession(
      w.client,
      session.id,
      (s) => s.status === 'idle' && s.turns === 1,
      'turn',
    );
    expect(
      (await w.client.call('fleet.status')).find((r) => r.sessionId === session.id)?.tool,
    ).toBeUndefined();

    const costs = await w.client.call('fleet.costs', { days: 30 });
    expect(costs.days).toHaveLength(30);
    expect(costs.days.at(-1)).toBe(new Date().toISOString().slice(0, 10));
    expect(costs.repos.map((r) => r.repo)).toEqual(['octo/app']);
    expect(costs.repos[0]!.usd.at(-1)).toBeCloseTo(done.costUsd, 6);
    expect(costs.totalUsd).toBeCloseTo(done.costUsd, 6);
  });

  it('Allow for this session answers that tool now and later, and only that tool', async () => {
    const w = await claudeWorld(writer);
    worlds.push(w);
    const workspace = await w.workspace();
    const first = join(workspace.path, 'first.txt');
    const second = join(workspace.path, 'second.txt');
    const session = await w.client.call('session.start', {
      workspaceId: workspace.id,
      permissionMode: 'ask',
      prompt: `write ${first} one`,
    });
    const waiting = await waitForSession(
      w.client,
      session.id,
      (s) => s.status === 'waiting-permission',
      'ask',
    );
    await w.client.call('permission.respond', {
      sessionId: session.id,
      requestId: waiting.pendingPermissions[0]!.requestId,
      allow: true,
      forSession: true,
    });
    await waitForSession(w.client, session.id, (s) => s.status === 'idle' && s.turns === 1, 'first turn');
    expect(readFileSync(first, 'utf8')).toBe('one\n');

    // The next Write runs without asking.
    await w.client.call('session.send', { sessionId: session.id, text: `write ${second} two` });
    await waitForSession(w.client, session.id, (s) => s.status === 'idle' && s.turns === 2, 'second turn');
    expect(readFileSync(second, 'utf8')).toBe('two\n');

    // Another session of the same workspace still asks.
    const other = await w.client.call('session.start', {
      workspaceId: workspace.id,
      permissionMode: 'ask',
      prompt: `write ${join(workspace.path, 'third.txt')} three`,
    });
    await waitForSession(w.client, other.id, (s) => s.status === 'waiting-permission', 'other session asks');
    expect(existsSync(join(workspace.path, 'third.txt'))).toBe(false);
  });
});
