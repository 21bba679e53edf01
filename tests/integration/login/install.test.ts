import { accessSync, constants, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID, NATIVE_HOST_NAME } from '../../../shared/extension-identity.js';
import { runCli, spawnAgent, stopDetachedAgent } from '../../helpers/agent-process.js';
import { claudeBin } from '../../helpers/claude-fixture.js';
import { tempDir } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup() {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const home = join(dir.path, 'home');
  const ffHome = join(dir.path, 'ff-home');
  writeFileSync(join(dir.path, 'marker'), '');
  // No systemd user session here: install falls back to the XDG autostart entry.
  const env = { HOME: home, FF_HOME: ffHome, PATH: process.env.PATH ?? '' };
  return { dir: dir.path, home, ffHome, env };
}

function snapshot(root: string): string[] {
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .map((e) => `${relative(root, join(e.parentPath, e.name))}${e.isDirectory() ? '/' : ''}`)
      .sort();
  } catch {
    return [];
  }
}

describe('ff-agent install / uninstall', () => {
  it('--dry-run prints every file with its content and writes nothing', async () => {
    const s = setup();
    const out = await runCli(['install', '--dry-run', '--browser', 'chrome'], s.env);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(
      `# ${join(s.home, `.config/google-chrome/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`)}`,
    );
    expect(out.stdout).toContain(`"chrome-extension://${CHROME_EXTENSION_ID}/"`);
    expect(out.stdout).toContain('[Desktop Entry]');
    expect(snapshot(s.home)).toEqual([]);
  });

  it('writes manifests for each browser at the documented paths, is idempotent, and uninstall leaves HOME as before', async () => {
    const s = setup();
    const before = snapshot(s.home);
    const first = await runCli(['install', '--no-start'], s.env);
    expect(first.code).toBe(0);
    const manifests = {
      chrome: join(s.home, `.config/google-chrome/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`),
      chromium: join(s.home, `.config/chromium/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`),
      edge: join(s.home, `.config/microsoft-edge/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`),
      brave: join(
        s.home,
        `.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`,
      ),
      firefox: join(s.home, `.mozilla/native-messaging-hosts/${NATIVE_HOST_NAME}.json`),
    };
    for (const [browser, path] of Object.entries(manifests)) {
      const manifest = JSON.parse(readFileSync(path, 'utf8'));
      expect(manifest.name, browser).toBe(NATIVE_HOST_NAME);
      accessSync(manifest.path, constants.X_OK);
      if (browser === 'firefox') expect(manifest.allowed_extensions).toEqual(['ff@ff-workspaces.dev']);
      else expect(manifest.allowed_origins).toEqual([`chrome-extension://${CHROME_EXTENSION_ID}/`]);
    }
    expect(readFileSync(join(s.home, '.config/autostart/ff-agent.desktop'), 'utf8')).toContain(
      process.execPath,
    );
    const mtimes = Object.values(manifests).map((p) => statSync(p).mtimeMs);

    const second = await runCli(['install', '--no-start'], s.env);
    expect(second.stdout).not.toContain('wrote');
    expect(second.stdout).toContain('unchanged');
    expect(Object.values(manifests).map((p) => statSync(p).mtimeMs)).toEqual(mtimes);

    const removed = await runCli(['uninstall'], s.env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`removed    ${manifests.chrome}`);
    expect(snapshot(s.home)).toEqual(before);
    expect(snapshot(join(s.ffHome, 'native-host'))).toEqual([]);
    expect((await runCli(['uninstall'], s.env)).stdout).toContain('Nothing to uninstall');
  });

  it('install starts the agent now', async () => {
    const s = setup();
    const out = await runCli(['install', '--browser', 'chromium', '--no-autostart'], s.env);
    cleanups.push(() => stopDetachedAgent(s.ffHome));
    expect(out.stdout).toMatch(/ff-agent is running on ws:\/\/127\.0\.0\.1:\d+/);
    expect((await runCli(['status', '--json'], s.env)).code).toBe(0);
  });
});

describe('ff-agent doctor', () => {
  it('a healthy setup exits 0', async () => {
    const s = setup();
    const env = { ...s.env, FF_CLAUDE_BIN: claudeBin, ANTHROPIC_API_KEY: 'sk-test', FF_RATCHET_CRON: 'off' };
    await runCli(['install', '--no-start', '--browser', 'chromium'], env);
    const agent = await spawnAgent(s.ffHome, { env });
    cleanups.push(() => agent.stop());
    const out = await runCli(['doctor', '--json'], env);
    const report = JSON.parse(out.stdout);
    expect(report.checks.filter((c: { status: string }) => c.status === 'fail')).toEqual([]);
    expect(out.code).toBe(0);
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining([
        'Node.js',
        'git',
        'Claude Code',
        'GitHub token',
        'ff-agent',
        'extension',
        'worktrees',
        'native host (chromium)',
        'start at login',
        'worktree root',
      ]),
    );
  });

  it('no claude, a stopped agent and a broken manifest are each reported with a fix, exit 1', async () => {
    const s = setup();
    await runCli(['install', '--no-start', '--browser', 'chromium'], s.env);
    const manifest = join(s.home, `.config/chromium/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`);
    writeFileSync(
      manifest,
      JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), path: '/nonexistent/launcher' }),
    );
    const out = await runCli(['doctor'], {
      ...s.env,
      FF_CLAUDE_BIN: '/nonexistent/claude',
      GITHUB_TOKEN: '',
      GH_TOKEN: '',
    });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/✗ Claude Code: FF_CLAUDE_BIN is \/nonexistent\/claude[^\n]*\n {4}fix: /);
    expect(out.stdout).toMatch(/✗ ff-agent: not running\n {4}fix: Start it/);
    expect(out.stdout).toMatch(
      /✗ native host \(chromium\): .* points at \/nonexistent\/launcher[^\n]*\n {4}fix: Run `ff-agent install` again/,
    );
    expect(out.stdout).toMatch(/! GitHub token: none[^\n]*\n {4}fix: Set GITHUB_TOKEN/);
  });
});

describe('ff-agent pair', () => {
  it('prints a code that pairs once; a reused code is refused as used', async () => {
    const s = setup();
    const agent = await spawnAgent(s.ffHome);
    cleanups.push(() => agent.stop());
    const out = await runCli(['pair', '--json'], s.env);
    const { code, port } = JSON.parse(out.stdout);
    expect(port).toBe(agent.port);
    const { AgentClient } = await import('../../../shared/agent-client.js');
    const { default: WebSocket } = await import('ws');
    const connect = () =>
      AgentClient.connect(
        () =>
          new WebSocket(`ws://127.0.0.1:${port}`, {
            headers: { Origin: `chrome-extension://${CHROME_EXTENSION_ID}` },
          }),
        {
          pairingCode: code,
          client: { name: 'test', version: '0' },
        },
      );
    const client = await connect();
    expect(client.welcome.token).toBe(agent.token);
    client.close();
    await expect(connect()).rejects.toMatchObject({
      reason: 'bad-token',
      message: expect.stringMatching(/pairing code was already used/),
    });
    const text = await runCli(['pair'], s.env);
    expect(text.stdout).toMatch(
      /Pairing code: [A-Z2-9]{4}-[A-Z2-9]{4}\nIn ff's Options, enter port \d+ and this code/,
    );
  });
});

describe('an extension older than the agent', () => {
  it('is welcomed with a notice, and `status` and `doctor` say to update it', async () => {
    const s = setup();
    const agent = await spawnAgent(s.ffHome);
    cleanups.push(() => agent.stop());
    const { AgentClient } = await import('../../../shared/agent-client.js');
    const { default: WebSocket } = await import('ws');
    const client = await AgentClient.connect(
      () =>
        new WebSocket(`ws://127.0.0.1:${agent.port}`, {
          headers: { Origin: `chrome-extension://${CHROME_EXTENSION_ID}` },
        }),
      { token: agent.token, client: { name: 'ff-extension', version: '0.0.1' } },
    );
    cleanups.push(() => client.close());
    expect(client.welcome.notice).toMatch(
      /The ff extension \(0\.0\.1\) is older than ff-agent \(\d+\.\d+\.\d+\)/,
    );

    const status = await runCli(['status'], s.env);
    expect(status.stdout).toMatch(/extension 0\.0\.1, last connected/);
    expect(status.stdout).toMatch(/! The ff extension \(0\.0\.1\) is older than ff-agent/);
    const doctor = await runCli(['doctor'], s.env);
    expect(doctor.stdout).toMatch(
      /! extension: 0\.0\.1 last connected [^\n]*older than ff-agent[^\n]*\n {4}fix: Load the extension from the same release/,
    );
    expect(readFileSync(join(s.ffHome, 'logs', 'agent.log'), 'utf8')).toMatch(
      /WARN {2}Client \d+: The ff extension \(0\.0\.1\) is older than ff-agent/,
    );
  });
});
