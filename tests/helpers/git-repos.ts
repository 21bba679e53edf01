import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GitHubLikeRepo {
  /** The bare repo standing in for github.com/<owner>/<repo>. */
  bare: string;
  /** A user's clone, with origin = https://github.com/<owner>/<repo>.git. */
  clone: string;
  /** Env that makes https://github.com/ resolve to the bare repos (pass it to the agent too). */
  env: Record<string, string>;
  git(cwd: string, ...args: string[]): string;
  /** Commits a file straight to origin's branch, as a teammate would. */
  pushToOrigin(file: string, content: string, branch?: string): void;
}

/**
 * A real repo with a bare origin that reads as https://github.com/owner/repo
 * (`url.<dir>.insteadOf` in a test-only global git config), so the agent
 * sees the same remote URL a user's clone has.
 */
export function createGitHubLikeRepo(root: string, owner = 'octo', repo = 'app'): GitHubLikeRepo {
  const remotes = join(root, 'remotes');
  const gitconfig = join(root, 'gitconfig');
  mkdirSync(remotes, { recursive: true });
  writeFileSync(
    gitconfig,
    `[user]\n\tname = ff test\n\temail = test@ff.invalid\n[url "${remotes}/"]\n\tinsteadOf = https://github.com/\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n`,
  );
  const env = { GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: '1' };
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const bare = join(remotes, owner, `${repo}.git`);
  mkdirSync(bare, { recursive: true });
  git(bare, 'init', '--bare', '-q', '-b', 'main');
  const seed = join(root, 'seed');
  mkdirSync(seed);
  git(seed, 'init', '-q', '-b', 'main');
  writeFileSync(join(seed, 'README.md'), `# ${repo}\n`);
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'initial');
  git(seed, 'remote', 'add', 'origin', `https://github.com/${owner}/${repo}.git`);
  git(seed, 'push', '-q', 'origin', 'main');
  const clone = join(root, 'clones', repo);
  mkdirSync(join(root, 'clones'), { recursive: true });
  git(join(root, 'clones'), 'clone', '-q', `https://github.com/${owner}/${repo}.git`, repo);
  return {
    bare,
    clone,
    env,
    git,
    pushToOrigin(file, content, branch = 'main') {
      git(seed, 'fetch', '-q', 'origin');
      git(seed, 'checkout', '-q', '-B', branch, `origin/${branch}`);
      writeFileSync(join(seed, file), content);
      git(seed, 'add', '.');
      git(seed, 'commit', '-q', '-m', `update ${file}`);
      git(seed, 'push', '-q', 'origin', branch);
    },
  };
}
