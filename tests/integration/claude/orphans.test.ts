import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../agent/store/instance-lock.js';
import { isToolResultTurn, lastUserText, type Responder } from '../../fakes/anthropic-api/server.js';
import {
  type ClaudeWorld,
  claudeWorld,
  recordSession,
  waitForSession,
} from '../../helpers/claude-fixture.js';
import { createGitHubLikeRepo } from '../../helpers/git-repos.js';
import { waitFor } from '../../helpers/temp.js';

const worlds: ClaudeWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

/** Pids of processes whose command line contains `text` (Linux /proc). */
function processesWith(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text))
        pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids.filter((pid) => pid !== process.pid);
}

const bashReplies: Responder = (request) => {
  if (isToolResultTurn(request)) return { text: 'done' };
  const bash = /^bash (.*)$/.exec(lastUserText(request));
  if (bash) return { toolUse: { name: 'Bash', input: { command: bash[1]!, description: 'run it' } } };
  return { text: `You said: ${lastUserText(request)}` };
};

describe.skipIf(process.platform !== 'linux')('no orphans', () => {
  it('kill -9 of the agent ends claude, its Bash tool and a running setup script within 2 s; the session is interrupted with its queue kept', async () => {
    const w = await claudeWorld(bashReplies);
    worlds.push(w);
    const token = `${Date.now() % 100_000}`;
    // A Bash tool that would leave a mark if it outlived the agent.
    const bashSleep = `4.${token}1`;
    const marker = join(w.root, 'bash-outlived-the-agent');
    const workspace = await w.workspace();
    const session = await w.client.call('session.start', {
      workspaceId: workspace.id,
      prompt: `bash sleep ${bashSleep}; touch ${marker}`,
    });
    const acked = await w.client.call('session.send', {
      sessionId: session.id,
      text: 'queued behind the tool',
    });
    expect(acked.queued).toBe(true);

    // A second project whose setup script sleeps, then would leave a mark.
    const other = createGitHubLikeRepo(w.root, 'octo', 'tool', 'git.example.test');
    const setupSleep = `4.${token}2`;
    const setupMarker = join(w.root, 'setup-outlived-the-agent');
    // Only GitHub hosts become projects: this one is named an Enterprise host first.
    await w.client.call('settings.set', { githubEnterpriseHosts: ['git.example.test'] });
    await w.client.call('project.add', {
      path: other.clone,
      setupScript: `sleep ${setupSleep}; touch ${setupMarker}`,
    });
    await w.client.call('workspace.create', {
      project: 'git.example.test/octo/tool',
      issue: { number: 5, title: 'slow setup' },
      startSession: false,
    });

    const running = await waitFor(
      () => {
        const sleeps = [...processesWith(`sleep ${bashSleep}`), ...processesWith(`sleep ${setupSleep}`)];
        const claude =
          w.client && readFileSync(join(w.home, 'logs', 'agent.log'), 'utf8').match(/claude pid (\d+)/);
        return processesWith(`sleep ${bashSleep}`).length &&
          processesWith(`sleep ${setupSleep}`).length &&
          claude
          ? [...sleeps, Number(claude[1])]
          : undefined;
      },
      { what: 'the Bash tool and the setup script to run', timeoutMs: 30_000 },
    );
    expect(running.every(isProcessAlive)).toBe(true);

    await w.killAgent();
    const killedAt = Date.now();
    await waitFor(() => running.every((pid) => !isProcessAlive(pid)), {
      what: 'claude, the Bash tool and the setup script to end',
      timeoutMs: 3_000,
      intervalMs: 50,
    });
    expect(Date.now() - killedAt).toBeLessThan(3_000);
    // By the sleeps' own arguments: the bare token (five digits) can be in any other test's ports or paths.
    expect([...processesWith(`sleep ${bashSleep}`), ...processesWith(`sleep ${setupSleep}`)]).toEqual([]);
    // Past the time the sleeps would have ended: neither left its mark.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 5_000 - (Date.now() - killedAt))));
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(setupMarker)).toBe(false);

    await w.restart();
    const after = await w.client.call('session.get', { sessionId: session.id });
    expect(after.status).toBe('interrupted');
    const users = (await recordSession(w.client, session.id))
      .filter((e) => e.kind === 'user')
      .map((e) => (e as { text: string }).text);
    expect(users).toEqual([`bash sleep ${bashSleep}; touch ${marker}`, 'queued behind the tool']);
    await w.client.call('session.send', { sessionId: session.id, text: 'back again' });
    await waitForSession(
      w.client,
      session.id,
      (s) => s.status === 'idle' && s.turns >= 1,
      'turn after restart',
      60_000,
    );
    const asked = w.api.conversationRequests.map((r) => lastUserText(r));
    expect(asked).toContain('queued behind the tool');
  }, 120_000);
});
