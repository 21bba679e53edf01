import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeLogin, sandboxTools } from '../../../agent/environment.js';
import { tempDir } from '../../helpers/temp.js';

const dir = tempDir('ff-env-');
afterAll(() => dir.cleanup());
let n = 0;
function home(files: Record<string, unknown>): string {
  const root = join(dir.path, `home-${n++}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  mkdirSync(root, { recursive: true });
  return root;
}

describe('claudeLogin', () => {
  it.each([
    { case: 'a key in the environment', env: { ANTHROPIC_API_KEY: 'k' }, files: {}, state: 'api-key' },
    {
      case: 'an OAuth token in the environment',
      env: { CLAUDE_CODE_OAUTH_TOKEN: 't' },
      files: {},
      state: 'api-key',
    },
    {
      case: "a key in Claude Code's settings",
      env: {},
      files: { '.claude/settings.json': { env: { ANTHROPIC_API_KEY: 'k' } } },
      state: 'api-key',
    },
    {
      case: 'an apiKeyHelper',
      env: {},
      files: { '.claude/settings.json': { apiKeyHelper: 'pass x' } },
      state: 'api-key',
    },
    { case: 'saved credentials', env: {}, files: { '.claude/.credentials.json': '{}' }, state: 'logged-in' },
    {
      case: 'an account in .claude.json',
      env: {},
      files: { '.claude.json': { oauthAccount: { a: 1 } } },
      state: 'logged-in',
    },
    {
      case: 'a .claude.json without an account',
      env: {},
      files: { '.claude.json': { numStartups: 3 } },
      state: 'unknown',
    },
    {
      case: 'a damaged settings file',
      env: {},
      files: { '.claude/settings.json': '{nope' },
      state: 'unknown',
    },
    { case: 'nothing', env: {}, files: {}, state: 'unknown' },
  ])('$case → $state', ({ env, files, state }) => {
    expect(claudeLogin(env, home(files)).state).toBe(state);
  });
});

describe('sandboxTools', () => {
  it('Linux: names each missing tool, that sessions ask meanwhile, and the one install command', () => {
    const view = sandboxTools({ PATH: join(dir.path, 'empty-bin') }, 'linux');
    expect(view).toEqual({
      available: false,
      missing: ['bwrap', 'socat', 'rg'],
      detail:
        'bwrap, socat, rg not found: sessions ask before each tool until you install them (Debian/Ubuntu: sudo apt-get install bubblewrap socat ripgrep)',
    });
  });
  it('Linux: the install command names only the packages missing', () => {
    const bin = join(dir.path, 'some-bin');
    mkdirSync(bin, { recursive: true });
    for (const name of ['bwrap', 'rg']) {
      writeFileSync(join(bin, name), '#!/bin/sh\n');
      chmodSync(join(bin, name), 0o755);
    }
    const view = sandboxTools({ PATH: bin }, 'linux');
    expect(view.missing).toEqual(['socat']);
    expect(view.detail).toContain('sudo apt-get install socat)');
  });
  it('another platform has none', () => {
    expect(sandboxTools({}, 'win32').available).toBe(false);
  });
});
