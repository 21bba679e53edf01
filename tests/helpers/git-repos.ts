import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GitHubLikeRepo {
  /** The bare repo standing in for <host>/<owner>/<repo>. */
  bare: string;
  /** A user's clone, with origin = https://<host>/<owner>/<repo>.git. */
  clone: string;
  /** Env that makes https://<host>/ resolve to the bare repos (pass it to the agent too). */
  env: Record<string, string>;
  git(cwd: string, ...args: string[]): string;
  /** Commits a file straight to origin's branch, as a teammate would. */
  pushToOrigin(file: string, content: string, branch?: string): void;
  /**
   * Someone else's PR: a commit on `branch` (from main), kept by origin as
   * GitHub keeps it — refs/pull/<n>/head always, and the branch itself unless
   * it lives in a fork. Returns the head commit.
   */
  pushPullRequest(number: number, branch: string, file: string, content: string, fork?: boolean): string;
}

/**
 * A real repo with a bare origin that reads as https://github.com/owner/repo
 * (`url.<dir>.insteadOf` in a test-only global git config), so the agent
 * sees the same remote URL a user's clone has. With another `host` (a GitHub
 * Enterprise server) the origin reads as https://<host>/owner/repo; repos of
 * different hosts can share one root (and so one git config).
 */
export function createGitHubLikeRepo(
  root: string,
  owner = 'octo',
  repo = 'app',
  host = 'github.com',
): GitHubLikeRepo {
  const suffix = host === 'github.com' ? '' : `-${host}`;
  const remotes = join(root, `remotes${suffix}`);
  const gitconfig = join(root, 'gitconfig');
  mkdirSync(remotes, { recursive: true });
  if (!existsSync(gitconfig)) {
    writeFileSync(
      gitconfig,
      '[user]\n\tname = ff test\n\temail = test@ff.invalid\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n',
    );
  }
  appendFileSync(gitconfig, `[url "${remotes}/"]\n\tinsteadOf = https://${host}/\n`);
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
  // A second repo of the same host in one root gets its own seed folder.
  const seed = existsSync(join(root, `seed${suffix}`))
    ? join(root, `seed${suffix}-${owner}-${repo}`)
    : join(root, `seed${suffix}`);
  mkdirSync(seed);
  git(seed, 'init', '-q', '-b', 'main');
  writeFileSync(join(seed, 'README.md'), `# ${repo}\n`);
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'initial');
  git(seed, 'remote', 'add', 'origin', `https://${host}/${owner}/${repo}.git`);
  git(seed, 'push', '-q', 'origin', 'main');
  const clones = join(root, `clones${suffix}`);
  const clone = join(clones, repo);
  mkdirSync(clones, { recursive: true });
  git(clones, 'clone', '-q', `https://${host}/${owner}/${repo}.git`, repo);
  return {
    bare,
    clone,
    env,
    git,
    pushToOrigin(file, content, branch = 'main') {
      git(seed, 'fetch', '-q', 'origin');
      git(seed, 'checkout', '-q', '-B', branch, `origin/${branch}`);
      mkdirSync(dirname(join(seed, file)), { recursive: true });
      writeFileSync(join(seed, file), content);
      git(seed, 'add', '.');
      git(seed, 'commit', '-q', '-m', `update ${file}`);
      git(seed, 'push', '-q', 'origin', branch);
    },
    pushPullRequest(number, branch, file, content, fork = false) {
      git(seed, 'fetch', '-q', 'origin');
      git(seed, 'checkout', '-q', '-B', branch, 'origin/main');
      writeFileSync(join(seed, file), content);
      git(seed, 'add', '.');
      git(seed, 'commit', '-q', '-m', `PR change to ${file}`);
      git(seed, 'push', '-q', 'origin', `HEAD:refs/pull/${number}/head`);
      if (!fork) git(seed, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
      const head = git(seed, 'rev-parse', 'HEAD').trim();
      git(seed, 'checkout', '-q', 'main');
      return head;
    },
  };
}
