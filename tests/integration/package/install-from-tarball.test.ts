import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAgentFile } from '../../../agent/store/agent-file.js';
import { resolveHome } from '../../../agent/store/home.js';
import { buildIfStale, zipName } from '../../../scripts/build-if-stale.mjs';
import { NATIVE_HOST_NAME } from '../../../shared/extension-identity.js';
import { offlineClaudeEnv, repoRoot } from '../../helpers/agent-process.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

/**
 * What a user gets from `npm install -g ff-agent`: the packed tarball,
 * installed into a fresh prefix with a fresh HOME, run with no checkout
 * anywhere near it. Dependencies come from the npm cache `npm ci` filled
 * (and the machine's npm config, for node-pty's native build).
 */
const dir = tempDir('ff-package-');
const prefix = join(dir.path, 'prefix');
const home = join(dir.path, 'home');
const ffHome = join(dir.path, 'ff-home');
const bin = join(prefix, 'bin', 'ff-agent');
const installed = join(prefix, 'lib', 'node_modules', 'ff-agent');
let tarball = '';

const npmConfig = (key: string) => execFileSync('npm', ['config', 'get', key], { encoding: 'utf8' }).trim();

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...offlineClaudeEnv(dir.path),
    HOME: home,
    FF_HOME: ffHome,
    PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
  };
}

function ffAgent(args: string[]): { code: number; stdout: string } {
  try {
    return { code: 0, stdout: execFileSync(bin, args, { env: env(), encoding: 'utf8', timeout: 20_000 }) };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { code: failed.status, stdout: failed.stdout };
  }
}

beforeAll(async () => {
  mkdirSync(home, { recursive: true });
  // In CI `npm run build` already made the zips; this only rebuilds what is stale.
  await buildIfStale({ zip: true, quiet: true });
  const userconfig = npmConfig('userconfig');
  const cache = npmConfig('cache');
  // `npm pack` runs prepack (build-if-stale --zip), as `npm publish` would.
  tarball = join(
    dir.path,
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir.path], {
      cwd: repoRoot,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1)!,
  );
  execFileSync(
    'npm',
    ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
    {
      env: { ...env(), npm_config_userconfig: userconfig, npm_config_cache: cache },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    },
  );
  // Seconds when the build is fresh (CI builds first); minutes only when it must rebuild and zip on a busy machine.
}, 300_000);

afterAll(async () => {
  const pid = readAgentFile(resolveHome(ffHome))?.pid;
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  dir.cleanup();
});

describe('the npm package, installed globally into a fresh prefix and HOME', () => {
  it('ships the built agent, prompts, native host and both store zips, and no sources or tests', () => {
    const shipped = readdirSync(installed, { recursive: true })
      .map(String)
      .filter((f) => !f.startsWith('node_modules'));
    for (const file of [
      'dist/agent/cli/main.js',
      'dist/native-host/host.js',
      'prompts/issue.md',
      '.output/chrome-mv3/manifest.json',
      `.output/${zipName('chrome')}`,
      `.output/${zipName('firefox')}`,
    ])
      expect(shipped).toContain(file);
    expect(shipped.filter((f) => /^(agent|extension|tests|shared)\//.test(f) || f.endsWith('.ts'))).toEqual(
      [],
    );
    expect(existsSync(join(repoRoot, 'node_modules'))).toBe(true); // the checkout's, untouched
  });

  it('`ff-agent serve`, `status`, `install --dry-run` and `doctor` work from it', async () => {
    const serve = spawn(bin, ['serve', '--port', '0'], { env: env(), stdio: 'ignore' });
    try {
      const info = await waitFor(() => readAgentFile(resolveHome(ffHome)), {
        what: 'the installed ff-agent to listen',
        timeoutMs: 20_000,
      });
      expect(info.pid).toBe(serve.pid);

      const status = ffAgent(['status']);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/ff-agent \d+\.\d+\.\d+ is running/);
      expect(status.stdout).toContain(`address  ws://127.0.0.1:${info.port}`);

      const install = ffAgent(['install', '--dry-run', '--browser', 'chrome']);
      expect(install.code).toBe(0);
      // The native host points into the installed package, not into a checkout.
      expect(install.stdout).toContain(`'${join(installed, 'dist', 'native-host', 'host.js')}'`);
      expect(install.stdout).toContain(
        join(home, `.config/google-chrome/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`),
      );
      expect(existsSync(join(home, '.config'))).toBe(false); // a dry run writes nothing

      const doctor = ffAgent(['doctor']);
      expect(doctor.stdout).toContain(`✓ ff-agent: running on ws://127.0.0.1:${info.port}`);
      expect(doctor.stdout).toContain(`builds in ${join(installed, '.output')}`);
    } finally {
      serve.kill('SIGTERM');
      if (serve.exitCode === null) await new Promise((resolve) => serve.once('exit', resolve));
    }
  });
});
