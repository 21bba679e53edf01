import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentFileOf, connectClient, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { tempDir } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function home(): string {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  return dir.path;
}

describe('ff-agent CLI', () => {
  it('status without a running agent says so and how to start it, exit 1, no stack', async () => {
    const h = home();
    const result = await runCli(['status'], { FF_HOME: h });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ff-agent is not running .*ff-agent serve/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const json = await runCli(['status', '--json'], { FF_HOME: h });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ running: false, home: h });
  });

  it('status reports the running agent: pid, port, uptime, counts', async () => {
    const h = home();
    const agent = await spawnAgent(h);
    cleanups.push(() => agent.stop());
    const text = await runCli(['status'], { FF_HOME: h });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`pid      ${agent.proc.pid}`);
    expect(text.stdout).toContain(`ws://127.0.0.1:${agent.port}`);
    const json = await runCli(['--home', h, 'status', '--json'], { FF_HOME: '/nonexistent' });
    expect(JSON.parse(json.stdout)).toMatchObject({
      running: true,
      pid: agent.proc.pid,
      port: agent.port,
      home: h,
      counts: { projects: 0, workspaces: 0, sessions: 0, clients: 1 },
    });
  });

  it('a second serve on the same home is refused with the running pid', async () => {
    const h = home();
    const agent = await spawnAgent(h);
    cleanups.push(() => agent.stop());
    const second = await runCli(['serve', '--port', '0'], { FF_HOME: h });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`already running for ${h} (pid ${agent.proc.pid})`);
  });

  it('SIGTERM stops it cleanly: exit 0, pid cleared, token kept, lock released', async () => {
    const h = home();
    const agent = await spawnAgent(h);
    expect(await agent.stop()).toBe(0);
    const file = agentFileOf(h);
    expect(file?.pid).toBeUndefined();
    expect(file?.token).toBe(agent.token);
    const again = await spawnAgent(h);
    cleanups.push(() => again.stop());
    expect(again.token).toBe(agent.token);
  });

  it('SIGINT stops it cleanly too', async () => {
    const agent = await spawnAgent(home());
    agent.proc.kill('SIGINT');
    expect((await agent.exited).code).toBe(0);
  });

  it('agent.json is private (0600) and holds port, token, pid and version', async () => {
    const h = home();
    const agent = await spawnAgent(h);
    cleanups.push(() => agent.stop());
    const path = join(h, 'agent.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      port: agent.port,
      token: expect.stringMatching(/^[0-9a-f]{64}$/),
      pid: agent.proc.pid,
      version: '0.1.0',
    });
  });

  it('an explicit port that is taken is an error; the saved port falls back to a free one and is saved', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => blocker.close(r)));
    const taken = (blocker.address() as { port: number }).port;
    const h = home();
    const explicit = await runCli(['serve', '--port', String(taken)], { FF_HOME: h });
    expect(explicit.code).toBe(1);
    expect(explicit.stderr).toContain(`Port ${taken} on 127.0.0.1 is in use`);

    const first = await spawnAgent(h);
    await first.stop();
    // Occupy the saved port: the next start without --port falls back and saves the new one.
    const savedBlocker = createServer();
    await new Promise<void>((r) => savedBlocker.listen(first.port, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => savedBlocker.close(r)));
    const second = await spawnAgent(h, { args: [] });
    cleanups.push(() => second.stop());
    expect(second.port).not.toBe(first.port);
    expect(agentFileOf(h)?.port).toBe(second.port);
  });

  it('--verbose logs to stderr, and the log file is always written', async () => {
    const h = home();
    const agent = await spawnAgent(h, { args: ['--port', '0', '--verbose'] });
    await agent.stop();
    expect(agent.stderr()).toContain('listening on ws://127.0.0.1');
    expect(readFileSync(join(h, 'logs', 'agent.log'), 'utf8')).toContain('Stopped');
  });

  it('--version and --help answer without an agent', async () => {
    expect((await runCli(['--version'], {})).stdout.trim()).toBe('0.1.0');
    const help = await runCli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/serve[\s\S]*status/);
    const bad = await runCli(['serve', '--port', 'abc'], {});
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('must be a port number');
  });

  it('the ratchet is scheduled: every minute by default, or on a custom cron schedule', async () => {
    for (const [schedule, every] of [
      ['0 * * * * *', 60],
      ['*/20 * * * * *', 20],
    ] as const) {
      const h = home();
      const agent = await spawnAgent(h, { env: { FF_RATCHET_CRON: schedule } });
      cleanups.push(() => agent.stop());
      const client = await connectClient(agent);
      cleanups.push(() => client.close());
      let next: string | undefined;
      for (let i = 0; i < 100 && !next; i++) {
        next = (await client.call('ratchet.status')).nextTickAt;
        if (!next) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const at = new Date(next ?? NaN);
      expect(at.getTime() - Date.now()).toBeGreaterThan(-1_000);
      expect(at.getTime() - Date.now()).toBeLessThanOrEqual(every * 1_000);
      expect(at.getUTCMilliseconds()).toBe(0);
      expect(at.getUTCSeconds() % every).toBe(0);
    }
  });

  it('a setting it cannot use stops serve with a message naming it, before anything is written', async () => {
    const h = home();
    for (const [env, says] of [
      [{ FF_PORT: 'eighty' }, 'FF_PORT must be a port number (0-65535), got "eighty".'],
      [{ FF_RATCHET_CRON: 'every minute' }, 'FF_RATCHET_CRON must be a cron schedule'],
      [
        { FF_EXTENSION_IDS: 'dhobbldmeniikmhdhafgnkjfhdpinooh, chrome-extension://x' },
        'FF_EXTENSION_IDS has "chrome-extension://x", which is not an extension id',
      ],
    ] as const) {
      const out = await runCli(['serve'], { FF_HOME: h, ...env });
      expect(out.code).toBe(1);
      expect(out.stderr).toContain(says);
      expect(out.stderr).not.toContain('unexpected');
    }
    expect(existsSync(join(h, 'agent.json'))).toBe(false);
    const file = join(h, 'a-file');
    writeFileSync(file, '');
    const out = await runCli(['serve'], { FF_HOME: file });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`ff's home ${file} is a file, not a folder`);
  });
});
