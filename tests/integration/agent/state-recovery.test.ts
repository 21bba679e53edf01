import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generationFiles, goodBackups } from '../../../agent/store/state-backups.js';
import {
  connectClient,
  offlineClaudeEnv,
  type ProcessUser,
  runCli,
  spawnAgent,
  unprivilegedUser,
} from '../../helpers/agent-process.js';
import { createGitHubLikeRepo } from '../../helpers/git-repos.js';
import { tempDir } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const KEPT = 'kept@example.org';

/** A home whose agent saved a setting and was restarted once, so a good backup holds that setting. */
let template: string;
let removeTemplate = () => {};
afterAll(() => removeTemplate());
beforeAll(async () => {
  const dir = tempDir();
  removeTemplate = dir.cleanup;
  template = dir.path;
  let agent = await spawnAgent(template);
  const client = await connectClient(agent);
  await client.call('settings.set', { allowedExtensionIds: [KEPT] });
  client.close();
  await agent.stop();
  agent = await spawnAgent(template);
  await agent.stop();
}, 60_000);

function homeFromTemplate(user?: ProcessUser): string {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  cpSync(template, dir.path, { recursive: true });
  rmSync(join(dir.path, 'agent.lock'), { force: true });
  if (user) execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dir.path]);
  return dir.path;
}

function serveOnce(home: string, user?: ProcessUser, args: string[] = []) {
  return runCli(
    ['serve', '--port', '0', ...args],
    { ...offlineClaudeEnv(home), FF_HOME: home, HOME: home },
    { user, timeoutMs: 20_000 },
  );
}

const isRoot = process.getuid?.() === 0;

describe('the newest backup holds what the agent did before a clean stop', () => {
  it('start, add a project, create a workspace, stop, damage state.json: the backup offered has both', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const repo = createGitHubLikeRepo(dir.path);
    const home = join(dir.path, 'home');
    const agent = await spawnAgent(home, { env: repo.env });
    const client = await connectClient(agent);
    await client.call('project.add', { path: repo.clone });
    await client.call('workspace.create', { project: 'octo/app', branch: 'kept' });
    client.close();
    await agent.stop();
    writeFileSync(join(home, 'state.json'), '{"version": 1, "proj');
    const refused = await serveOnce(home);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/The newest good backup is \S+ \(1 project, 1 workspace, saved /);
  });
});

describe('a state.json that cannot be used stops the agent, naming the backup to restore', () => {
  it.each<[string, (statePath: string) => void, RegExp]>([
    ['truncated', (p) => writeFileSync(p, readFileSync(p, 'utf8').slice(0, 40)), /not valid JSON/],
    ['empty', (p) => writeFileSync(p, ''), /it is empty/],
    ['garbage', (p) => writeFileSync(p, Buffer.from([0, 159, 146, 150, 255, 10])), /not valid JSON/],
    [
      'of an invalid schema',
      (p) => writeFileSync(p, JSON.stringify({ version: 1, workspaces: 'lots' })),
      /does not match schema v1: workspaces/,
    ],
    ['missing while backups exist', (p) => rmSync(p), /it is missing, but backups of it exist/],
  ])('%s', async (_name, damage, reason) => {
    const home = homeFromTemplate();
    const statePath = join(home, 'state.json');
    damage(statePath);
    const before = existsSync(statePath) ? readFileSync(statePath) : undefined;
    const [backup] = goodBackups(join(home, 'state-backups'));
    expect(backup).toBeDefined();

    const run = await serveOnce(home);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('listening');
    expect(run.stderr).toContain(`${statePath} cannot be used`);
    expect(run.stderr).toMatch(reason);
    expect(run.stderr).toContain(`The newest good backup is ${backup!.path}`);
    expect(run.stderr).toContain(`ff-agent serve --restore-state ${backup!.path}`);
    expect(run.stderr).not.toMatch(/\n\s+at |Error:/);
    // Nothing was changed: the damaged file is still there as it was, for the user to keep or repair.
    expect(existsSync(statePath) ? readFileSync(statePath) : undefined).toEqual(before);

    // The command it printed works: the agent starts from the backup, with the acknowledged setting.
    const agent = await spawnAgent(home, { args: ['--port', '0', '--restore-state', backup!.path] });
    cleanups.push(() => agent.stop());
    const client = await connectClient(agent);
    expect((await client.call('settings.get')).allowedExtensionIds).toEqual([KEPT]);
    client.close();
    if (before !== undefined) {
      const aside = readdirSync(home).filter((f) => f.startsWith('state.json.damaged-'));
      expect(aside).toHaveLength(1);
      expect(readFileSync(join(home, aside[0]!))).toEqual(before);
    }
  });
});

describe('state files that cannot be read or written give one clear line', () => {
  const user = unprivilegedUser();
  it.each<[string, (home: string) => void, RegExp, boolean?]>([
    [
      'state.json is a folder',
      (home) => {
        rmSync(join(home, 'state.json'));
        mkdirSync(join(home, 'state.json'));
      },
      /state\.json is a folder, but ff keeps its state in a file there: move the folder away.*--restore-state/,
    ],
    [
      'state.json is not readable',
      (home) => chmodSync(join(home, 'state.json'), 0o000),
      /^Cannot read .*state\.json: permission denied\. Make it readable/,
    ],
    [
      'the home is read-only',
      (home) => chmodSync(home, 0o555),
      /^ff's home .* is not writable \(permission denied\)\. Make it writable by you \(chmod u\+w/,
    ],
    [
      'state.json is immutable',
      (home) => execFileSync('chattr', ['+i', join(home, 'state.json')]),
      /^Cannot write .*state\.json: operation not permitted \(is it immutable/,
      true,
    ],
  ])('%s', async (_name, prepare, message, needsRoot) => {
    if (needsRoot && !isRoot) return; // chattr +i needs root; the other cases run anywhere
    const runAs = needsRoot ? undefined : user;
    const home = homeFromTemplate(runAs);
    prepare(home);
    cleanups.push(() => {
      chmodSync(home, 0o700);
      if (needsRoot) execFileSync('chattr', ['-i', join(home, 'state.json')]);
    });
    const run = await serveOnce(home, runAs);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('listening');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/EACCES|EPERM|EISDIR|\n\s+at /);
  });

  it('a read-only state.json of your own is taken back to 0600 and the agent starts', async () => {
    const home = homeFromTemplate(user);
    chmodSync(join(home, 'state.json'), 0o444);
    const agent = await spawnAgent(home, { user, env: { HOME: home } });
    cleanups.push(() => agent.stop());
    expect(statSync(join(home, 'state.json')).mode & 0o777).toBe(0o600);
  });
});

describe('state files are readable by their owner only', () => {
  it('state.json, its backups and transcripts are 0600, files from before are narrowed on start', async () => {
    const home = homeFromTemplate();
    chmodSync(join(home, 'state.json'), 0o644);
    for (const backup of generationFiles(join(home, 'state-backups'))) chmodSync(backup, 0o644);
    mkdirSync(join(home, 'transcripts'), { recursive: true });
    writeFileSync(join(home, 'transcripts', 'old-session.jsonl'), '', { mode: 0o644 });
    chmodSync(join(home, 'transcripts', 'old-session.jsonl'), 0o644);

    const agent = await spawnAgent(home);
    cleanups.push(() => agent.stop());
    const files = [
      join(home, 'state.json'),
      ...generationFiles(join(home, 'state-backups')),
      join(home, 'transcripts', 'old-session.jsonl'),
    ];
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
  });
});

describe('doctor', () => {
  it('reports a damaged state.json with the backup to restore, and does not claim there are no orphan worktrees', async () => {
    const home = homeFromTemplate();
    writeFileSync(join(home, 'state.json'), '{"version":1,');
    mkdirSync(join(home, 'worktrees', 'octo', 'app', 'ff', '1-x'), { recursive: true });
    writeFileSync(join(home, 'worktrees', 'octo', 'app', 'ff', '1-x', '.git'), 'gitdir: /nowhere\n');
    const [backup] = goodBackups(join(home, 'state-backups'));
    const run = await runCli(['doctor', '--json'], { ...offlineClaudeEnv(home), FF_HOME: home, HOME: home });
    expect(run.code).toBe(1);
    const { checks } = JSON.parse(run.stdout) as {
      checks: Array<{ name: string; status: string; detail: string; fix?: string }>;
    };
    const state = checks.find((c) => c.name === 'state');
    expect(state).toMatchObject({ status: 'fail' });
    expect(state!.detail).toMatch(/not valid JSON/);
    expect(state!.fix).toContain(`serve --restore-state ${backup!.path}`);
    const worktrees = checks.find((c) => c.name === 'worktrees');
    expect(worktrees).toMatchObject({ status: 'warn' });
    expect(worktrees!.detail).toContain('not checked: state.json could not be read (1 worktree folder(s)');
  });
});
