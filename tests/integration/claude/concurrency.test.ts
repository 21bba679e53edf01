import { afterAll, describe, expect, it } from 'vitest';
import { lastUserText } from '../../fakes/anthropic-api/server.js';
import { runCli } from '../../helpers/agent-process.js';
import { type ClaudeWorld, claudeWorld, waitForSession } from '../../helpers/claude-fixture.js';

let world: ClaudeWorld | undefined;
afterAll(async () => {
  await world?.close();
});

describe('many sessions at once', () => {
  it('20 concurrent sessions in 20 worktrees all complete, each with its own reply', async () => {
    world = await claudeWorld((request) => ({ text: `reply to ${lastUserText(request)}`, delayMs: 5 }));
    const w = world;
    const workspaces = await Promise.all(Array.from({ length: 20 }, (_, i) => w.workspace(500 + i)));
    expect(new Set(workspaces.map((ws) => ws.path)).size).toBe(20);
    const sessions = await Promise.all(
      workspaces.map((ws, i) =>
        w.client.call('session.start', { workspaceId: ws.id, prompt: `task number ${i}` }),
      ),
    );
    const done = await Promise.all(
      sessions.map((s) =>
        waitForSession(
          w.client,
          s.id,
          (x) => x.turns === 1 && x.status === 'idle',
          `session ${s.id}`,
          120_000,
        ),
      ),
    );
    expect(done.every((s) => s.claudeSessionId)).toBe(true);
    expect(new Set(done.map((s) => s.claudeSessionId)).size).toBe(20);
    // Each session's transcript has its own answer, read back through the CLI.
    for (const [i, s] of sessions.entries()) {
      const log = await runCli(['session', 'log', s.id], { FF_HOME: w.home });
      expect(log.code).toBe(0);
      expect(log.stdout).toContain(`you: task number ${i}\n`);
      expect(log.stdout).toContain(`claude: reply to task number ${i}\n`);
    }
    const list = await runCli(['session', 'list'], { FF_HOME: w.home });
    expect(
      list.stdout
        .trim()
        .split('\n')
        .filter((l) => l.includes(' idle ')).length,
    ).toBe(20);
  }, 180_000);
});
