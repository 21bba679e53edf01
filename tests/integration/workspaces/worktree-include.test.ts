import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentWithRepo, readyWorkspace } from '../../helpers/agent-with-repo.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('.worktreeinclude', () => {
  it('a new workspace gets the gitignored files it names from the main clone, and only those, listed on its record', async () => {
    const f = await agentWithRepo(cleanups, (repo) => {
      repo.pushToOrigin('.gitignore', '.env\n*.log\nmodels/\n');
      repo.git(repo.clone, 'pull', '-q');
      writeFileSync(join(repo.clone, '.worktreeinclude'), '.env\nmodels/\nREADME.md\n');
      writeFileSync(join(repo.clone, '.env'), 'SECRET=main-clone\n');
      writeFileSync(join(repo.clone, 'debug.log'), 'ignored but not named\n');
      // A large file: hard-linked or reflinked, not copied byte by byte.
      mkdirSync(join(repo.clone, 'models'));
      writeFileSync(join(repo.clone, 'models', 'weights.bin'), Buffer.alloc(2 * 1024 * 1024, 7));
      // Tracked: the README matches a pattern but comes from git, never from the clone's copy.
      writeFileSync(join(repo.clone, 'README.md'), '# changed in the main clone only\n');
    });
    await f.client.call('project.add', { path: f.repo.clone });
    const w = await readyWorkspace(f.client, 1);

    expect(readFileSync(join(w.path, '.env'), 'utf8')).toBe('SECRET=main-clone\n');
    expect(existsSync(join(w.path, 'debug.log'))).toBe(false);
    expect(readFileSync(join(w.path, 'README.md'), 'utf8')).toBe('# app\n');
    expect(statSync(join(w.path, 'models', 'weights.bin')).size).toBe(2 * 1024 * 1024);
    expect(w.included?.count).toBe(2);
    expect(w.included?.files.map((file) => file.path).sort()).toEqual(['.env', 'models/weights.bin']);
    const weights = w.included?.files.find((file) => file.path === 'models/weights.bin');
    expect(['reflink', 'hardlink']).toContain(weights?.how);
    expect(w.included?.files.find((file) => file.path === '.env')?.how).not.toBe('hardlink');
  });

  it('a clone without .worktreeinclude gives a bare checkout and no list', async () => {
    const f = await agentWithRepo(cleanups, (repo) => {
      repo.pushToOrigin('.gitignore', '.env\n');
      repo.git(repo.clone, 'pull', '-q');
      writeFileSync(join(repo.clone, '.env'), 'SECRET=1\n');
    });
    await f.client.call('project.add', { path: f.repo.clone });
    const w = await readyWorkspace(f.client, 2);
    expect(existsSync(join(w.path, '.env'))).toBe(false);
    expect(w.included).toBeUndefined();
  });
});
