import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/agent-process.js';
import { tempDir } from '../../helpers/temp.js';

/**
 * A fresh clone's `npm ci` runs puppeteer's install script (puppeteer comes in as
 * @axe-core/puppeteer's peer). Without the project's own configuration it downloads a
 * Chrome, which fails on a machine that reaches only the package registries. npm runs
 * the script in the package's folder under node_modules with the user's environment:
 * here a fresh HOME, no PUPPETEER_* variable, and a proxy nobody answers, so a download
 * attempt fails at once instead of fetching anything.
 */
describe("puppeteer's install script in a fresh clone", () => {
  const dir = tempDir('ff-npm-ci-');
  afterAll(() => dir.cleanup());

  it('skips the browser download by the project configuration alone, with no variable set', () => {
    const project = join(dir.path, 'clone');
    const packageDir = join(project, 'node_modules', 'puppeteer');
    const home = join(dir.path, 'home');
    mkdirSync(packageDir, { recursive: true });
    mkdirSync(home);
    // The clone's own files that puppeteer's configuration search (cosmiconfig) reads.
    for (const file of ['package.json', '.puppeteerrc.json']) {
      if (existsSync(join(repoRoot, file))) copyFileSync(join(repoRoot, file), join(project, file));
    }

    const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'puppeteer', 'install.mjs')], {
      cwd: packageDir,
      env: {
        PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
        HOME: home,
        HTTPS_PROXY: 'http://127.0.0.1:9',
        HTTP_PROXY: 'http://127.0.0.1:9',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(result.status, result.stderr).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/Skipping downloading browsers/);
    expect(existsSync(join(home, '.cache', 'puppeteer'))).toBe(false);
  });
});
