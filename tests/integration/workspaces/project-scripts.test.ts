import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/agent-process.js';
import { agentWithRepo, readyWorkspace } from '../../helpers/agent-with-repo.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// What each tool's setup script leaves behind: the variables that tool promises its scripts.
const SETUP =
  'echo "$CONDUCTOR_PORT|$CONDUCTOR_ROOT_PATH|$CONDUCTOR_WORKSPACE_PATH|$SUPERSET_ROOT_PATH|$FF_PORT" > setup.out';
const ARCHIVE = 'echo "archived $CONDUCTOR_WORKSPACE_NAME" > "$CONDUCTOR_ROOT_PATH/archive.out"';

describe("other tools' configs", () => {
  it.each([
    [
      'conductor.json',
      'conductor.json',
      JSON.stringify({
        scripts: { setup: SETUP, run: 'true', archive: ARCHIVE },
        runScriptMode: 'concurrent',
      }),
    ],
    [
      '.conductor/settings.toml',
      '.conductor/settings.toml',
      `"$schema" = "https://example.test/schema.json"\n[scripts]\nsetup = '''\n${SETUP}\n'''\nrun = "true"\narchive = '${ARCHIVE}'\nrun_mode = "concurrent"\n`,
    ],
    [
      '.superset/config.json',
      '.superset/config.json',
      JSON.stringify({ setup: ['true', SETUP], run: ['true'], teardown: [ARCHIVE] }),
    ],
  ])(
    'a repo set up with %s runs its setup and archive scripts in ff unchanged, with their variables, and project show names the file',
    async (_name, file, text) => {
      const f = await agentWithRepo(cleanups, (repo) => {
        repo.pushToOrigin(file, text);
        repo.git(repo.clone, 'pull', '-q');
      });
      await f.client.call('project.add', { path: f.repo.clone });

      const shown = await runCli(['project', 'show', 'octo/app'], f.env);
      expect(shown.stderr).toBe('');
      expect(shown.stdout).toContain(`(from ${file})`);
      expect(shown.stdout).toMatch(
        new RegExp(`setup +[^\\n]*(\\n {13}[^\\n]*)*\\(from ${file.replace(/\./g, '\\.')}\\)`),
      );
      const json = await f.client.call('project.show', { project: 'octo/app' });
      expect(json.scripts.run).toEqual({ command: 'true', source: file });

      const w = await readyWorkspace(f.client, 1);
      const port = String(w.ports!.first);
      expect(readFileSync(join(w.path, 'setup.out'), 'utf8')).toBe(
        `${port}|${f.repo.clone}|${w.path}|${f.repo.clone}|${port}\n`,
      );

      await f.client.call('workspace.archive', { workspaceId: w.id, force: true });
      expect(readFileSync(join(f.repo.clone, 'archive.out'), 'utf8')).toBe(`archived ${w.branch}\n`);
    },
  );

  it("ff's own setup command wins over the repo's file, and project show says so", async () => {
    const f = await agentWithRepo(cleanups, (repo) => {
      repo.pushToOrigin('conductor.json', JSON.stringify({ scripts: { setup: 'touch from-conductor' } }));
      repo.git(repo.clone, 'pull', '-q');
    });
    await f.client.call('project.add', { path: f.repo.clone, setupScript: 'touch from-ff' });
    const shown = await runCli(['project', 'show', 'octo/app'], f.env);
    expect(shown.stdout).toMatch(/setup +touch from-ff {2}\(from ff project settings\)/);
    const w = await readyWorkspace(f.client, 2);
    expect(existsSync(join(w.path, 'from-ff'))).toBe(true);
    expect(existsSync(join(w.path, 'from-conductor'))).toBe(false);
  });
});
