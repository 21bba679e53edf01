import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../agent/store/instance-lock.js';
import { FakeAnthropicApi } from '../../fakes/anthropic-api/server.js';
import { agentFileOf, cliPath, connectClient } from '../../helpers/agent-process.js';
import { assistantTexts, recordSession, waitForSession } from '../../helpers/claude-fixture.js';
import { createGitHubLikeRepo } from '../../helpers/git-repos.js';
import { desktopExecArgv, type UserMachine, userMachine } from '../../helpers/login-env.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function machine(
  loggedIn = true,
): Promise<{ user: UserMachine; clone: string; api: FakeAnthropicApi }> {
  const dir = tempDir('ff-login-');
  cleanups.push(dir.cleanup);
  const api = await new FakeAnthropicApi().start();
  cleanups.push(() => api.stop());
  const repo = createGitHubLikeRepo(dir.path);
  const user = userMachine(dir.path, { apiEnv: api.env(), gitconfig: repo.env.GIT_CONFIG_GLOBAL, loggedIn });
  // Whatever a test leaves running is stopped the way a user would.
  cleanups.push(() => user.cli(['stop']));
  return { user, clone: repo.clone, api };
}

/** The Exec line of the XDG autostart entry `install` wrote (this machine has no systemd user session). */
function autostartArgv(user: UserMachine): string[] {
  const entry = readFileSync(join(user.home, '.config', 'autostart', 'ff-agent.desktop'), 'utf8');
  return desktopExecArgv(entry.match(/^Exec=(.*)$/m)![1]!);
}

function runningAgent(user: UserMachine) {
  return waitFor(
    () => {
      const info = agentFileOf(user.ffHome);
      return info?.pid && isProcessAlive(info.pid) ? { ...info, pid: info.pid } : undefined;
    },
    { what: 'the agent to write its pid', timeoutMs: 20_000 },
  );
}

describe('the login service, from the user side', () => {
  it('started as install wrote it, with only what a login gives, the agent finds ~/.local/bin/claude and a session answers', async () => {
    const { user, clone } = await machine();
    const install = await user.cli(['install', '--no-start', '--browser', 'chrome']);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toContain(`claude  ${join(user.home, '.local', 'bin', 'claude')}`);

    user.launch(autostartArgv(user));
    const info = await runningAgent(user);
    expect(info.launchedBy).toBe('login');
    const client = await connectClient(info);
    cleanups.push(() => client.close());
    await client.call('project.add', { path: clone });
    const { workspace } = await client.call('workspace.create', {
      project: 'octo/app',
      branch: 'morning-after',
      prompt: 'hello from the login service',
    });
    const [session] = await waitFor(
      async () => {
        const sessions = await client.call('session.list', { workspaceId: workspace.id });
        return sessions.length ? sessions : undefined;
      },
      { what: 'the first session', timeoutMs: 60_000 },
    );
    await waitForSession(client, session!.id, (s) => s.turns >= 1, 'a first turn', 60_000);
    const events = await recordSession(client, session!.id);
    await waitFor(() => assistantTexts(events).length > 0, { what: 'the reply' });
    expect(assistantTexts(events).join('\n')).toContain('hello from the login service');

    // Its claude printed nothing on stderr: logs says where its words are instead.
    const log = await user.cli(['logs', '--session', session!.id]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stderr).toContain(`session log ${session!.id}`);
  }, 120_000);

  it('with Claude Code not logged in, a session fails with its cause and the fix, and works once logged in', async () => {
    const { user, clone } = await machine(false);
    expect((await user.cli(['start'])).code).toBe(0);
    const info = await runningAgent(user);
    const client = await connectClient(info);
    cleanups.push(() => client.close());
    await client.call('project.add', { path: clone });
    const { workspace } = await client.call('workspace.create', {
      project: 'octo/app',
      branch: 'first-hour',
      prompt: 'hello before login',
    });
    const [session] = await waitFor(
      async () => {
        const sessions = await client.call('session.list', { workspaceId: workspace.id });
        return sessions.length ? sessions : undefined;
      },
      { what: 'the first session', timeoutMs: 60_000 },
    );
    const failed = await waitForSession(
      client,
      session!.id,
      (s) => s.status === 'failed',
      'a failed session',
      60_000,
    );
    expect(failed.statusDetail).toMatch(
      /^Claude Code is not logged in .*Run `claude \/login`.*ANTHROPIC_API_KEY/,
    );
    const list = await user.cli(['session', 'list']);
    expect(list.stdout).toContain('failed');
    expect(list.stdout).toContain('Claude Code is not logged in');

    user.logIn();
    await client.call('session.send', { sessionId: session!.id, text: 'hello after login' });
    await waitForSession(client, session!.id, (s) => s.status === 'idle', 'an answered turn', 60_000);
    const events = await recordSession(client, session!.id);
    await waitFor(() => assistantTexts(events).some((t) => t.includes('hello after login')), {
      what: 'the reply',
    });
  }, 150_000);

  it('doctor warns once the claude the service records is gone', async () => {
    const { user } = await machine();
    expect((await user.cli(['install', '--no-start', '--browser', 'chrome'])).code).toBe(0);
    const before = JSON.parse((await user.cli(['doctor', '--json'])).stdout);
    const check = (report: { checks: Array<{ name: string; status: string; detail: string }> }) =>
      report.checks.find((c) => c.name === 'login service environment');
    expect(check(before)?.status).toBe('ok');

    rmSync(join(user.home, '.local', 'bin', 'claude'));
    const after = JSON.parse((await user.cli(['doctor', '--json'])).stdout);
    expect(check(after)).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('no longer exists'),
    });
  });

  it('stop, start, restart and logs reach the agent however it was started', async () => {
    const { user } = await machine();
    expect((await user.cli(['install', '--no-start', '--browser', 'chrome'])).code).toBe(0);

    // Started at login: stop ends it, and nothing brings it back.
    user.launch(autostartArgv(user));
    const atLogin = await runningAgent(user);
    const stop = await user.cli(['stop']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(new RegExp(`Stopped ff-agent \\(pid ${atLogin.pid}, started at login`));
    expect(isProcessAlive(atLogin.pid)).toBe(false);
    expect((await user.cli(['stop'])).stdout).toMatch(/ff-agent is not running/);

    // Down: logs still show what it wrote, and say it is down.
    const down = await user.cli(['logs', '-n', '5']);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/Stopped/);
    expect(down.stderr).toMatch(/ff-agent is not running/);

    // start: in the background (no service manager here); restart: a new process the same way.
    const start = await user.cli(['start']);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/running on ws:\/\/127\.0\.0\.1:\d+ .*started in the background/);
    const background = await runningAgent(user);
    expect(background.launchedBy).toBe('detached');
    const restart = await user.cli(['restart']);
    expect(restart.code, restart.stderr).toBe(0);
    expect(restart.stdout).toMatch(/^Restarted\./);
    const restarted = await runningAgent(user);
    expect(restarted.pid).not.toBe(background.pid);
    expect(isProcessAlive(background.pid)).toBe(false);
    expect((await user.cli(['logs'])).stdout).toMatch(/listening on ws:\/\/127\.0\.0\.1/);

    // Started by hand in a terminal: restart stops it and runs it in the background.
    expect((await user.cli(['stop'])).code).toBe(0);
    user.launch([process.execPath, cliPath, 'serve']);
    const byHand = await runningAgent(user);
    expect(byHand.launchedBy).toBe('terminal');
    const again = await user.cli(['restart']);
    expect(again.code, again.stderr).toBe(0);
    expect(isProcessAlive(byHand.pid)).toBe(false);
    expect((await runningAgent(user)).launchedBy).toBe('detached');
  }, 120_000);

  it('serve says at start, one line each, that claude and a GitHub token are missing', async () => {
    const { user } = await machine();
    rmSync(join(user.home, '.local', 'bin', 'claude'));
    const serve = spawn(process.execPath, [cliPath, 'serve', '--port', '0'], {
      cwd: user.home,
      env: { HOME: user.home, PATH: user.loginPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => serve.kill('SIGTERM'));
    let stdout = '';
    serve.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    await waitFor(() => /No GitHub token/.test(stdout), { what: 'the start-up problems', timeoutMs: 20_000 });
    expect(stdout).toMatch(/^ff-agent listening on ws:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toContain('! Claude Code is not installed: no `claude` on PATH.');
    expect(stdout).toContain(
      '! No GitHub token: set GITHUB_TOKEN or run `gh auth login`, then `ff-agent restart`.',
    );
  });

  it("doctor shows the running agent's view, not the shell's, and says where they differ", async () => {
    const { user } = await machine();
    // Started by hand with a login's PATH: this agent has no claude and no token, the shell has both.
    user.launch([process.execPath, cliPath, 'serve']);
    await runningAgent(user);
    const doctor = await user.cli(['doctor', '--json'], user.home, { GITHUB_TOKEN: 'ghp_shell_only' });
    const report = JSON.parse(doctor.stdout);
    const check = (name: string) => report.checks.find((c: { name: string }) => c.name === name);
    expect(check('Claude Code')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`(your shell: ${join(user.home, '.local', 'bin', 'claude')})`),
      fix: expect.stringContaining('ff-agent install'),
    });
    expect(check('GitHub token')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^the agent has none.*\(your shell: GITHUB_TOKEN\)$/),
    });
    expect(report.environment.agent.claude.path).toBeUndefined();
    expect(report.environment.shell.claude.path).toBe(join(user.home, '.local', 'bin', 'claude'));
    expect(report.environment.agent.path).toBe(user.loginPath);
    expect(doctor.code).toBe(1);
  });

  it('logs names a session it has no log of', async () => {
    const { user } = await machine();
    const missing = await user.cli(['logs', '--session', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No log for session nope/);
    expect(existsSync(user.ffHome)).toBe(false);
  });
});
