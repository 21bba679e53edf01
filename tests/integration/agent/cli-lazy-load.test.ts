import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { tempDir } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// What only `serve` needs. A short command that imports any of these pays for the whole server.
const serverOnly = [
  /\/agent\/agent\.ts$/,
  /\/agent\/server\//,
  /\/agent\/claude\/sessions\.ts$/,
  /\/agent\/claude\/claude-process\.ts$/,
  /\/agent\/terminal\//,
  /\/agent\/ratchet\/ratchet\.ts$/,
  /\/agent\/github\/github\.ts$/,
  /\/node_modules\/(node-pty|@octokit|cron|luxon|lowdb)\//,
];

/** Runs the CLI from its sources and lists every module it imported. */
async function modulesLoadedBy(args: string[], home: string) {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const log = join(dir.path, 'modules.log');
  const result = await runCli(
    args,
    { FF_HOME: home, FF_TEST_MODULE_LOG: log },
    {
      script: join(repoRoot, 'agent', 'cli', 'main.ts'),
      nodeArgs: ['--import', 'tsx', '--import', join(repoRoot, 'tests', 'helpers', 'module-log.mjs')],
    },
  );
  return { ...result, modules: readFileSync(log, 'utf8').trim().split('\n') };
}

describe('short CLI commands do not load the server', () => {
  it('status and session list answer from a running agent without importing server modules', async () => {
    const home = tempDir();
    cleanups.push(home.cleanup);
    const agent = await spawnAgent(home.path);
    cleanups.push(() => agent.stop());

    const status = await modulesLoadedBy(['status', '--json'], home.path);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid: agent.proc.pid });
    expect(status.modules.some((url) => url.endsWith('/agent/cli/status.ts'))).toBe(true);
    expect(status.modules.filter((url) => serverOnly.some((re) => re.test(url)))).toEqual([]);

    const sessions = await modulesLoadedBy(['session', 'list', '--json'], home.path);
    expect(sessions.code).toBe(0);
    expect(JSON.parse(sessions.stdout)).toEqual([]);
    expect(sessions.modules.filter((url) => serverOnly.some((re) => re.test(url)))).toEqual([]);
  });
});

describe('serve', () => {
  it('listens without loading undici (Node >= 22 loads it for an ES import of node:http: 60-85 ms of each start)', async () => {
    const home = tempDir();
    cleanups.push(home.cleanup);
    const log = join(home.path, 'builtins.log');
    const agent = await spawnAgent(home.path, {
      nodeArgs: ['--import', join(repoRoot, 'tests', 'helpers', 'builtin-log.mjs')],
      env: { FF_TEST_BUILTIN_LOG: log },
    });
    cleanups.push(() => agent.stop());
    const loaded = readFileSync(log, 'utf8').split('\n');
    expect(loaded).toContain('NativeModule http');
    expect(loaded.filter((name) => name.includes('undici'))).toEqual([]);
  });
});
