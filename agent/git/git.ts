import { execFile } from 'node:child_process';

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

export class GitError extends Error {
  readonly args: readonly string[];
  readonly code: number;
  readonly stderr: string;
  constructor(args: readonly string[], code: number, stderr: string) {
    const detail = stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${code}`;
    super(`git ${args[0] ?? ''} failed: ${detail}`);
    this.name = 'GitError';
    this.args = args;
    this.code = code;
    this.stderr = stderr;
  }
}

/**
 * Runs git with an argv array — never a shell — in `cwd`. Prompts are off
 * (GIT_TERMINAL_PROMPT=0) so a fetch that needs credentials fails instead of
 * hanging the agent.
 */
export function git(
  cwd: string,
  args: readonly string[],
  options: {
    allowFailure?: boolean;
    timeoutMs?: number;
    maxBuffer?: number;
    /** Added to the environment (GIT_INDEX_FILE for a scratch index, …). */
    env?: Record<string, string>;
    /** Written to git's stdin (a blob for hash-object, revisions for rev-list --stdin). */
    input?: string | Buffer;
  } = {},
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args as string[],
      {
        cwd,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_OPTIONAL_LOCKS: '0',
          LC_ALL: 'C',
          ...options.env,
        },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
          // ENOENT (no git), or maxBuffer exceeded
          const code = (error as NodeJS.ErrnoException).code;
          reject(
            code === 'ENOENT'
              ? new Error('git is not installed or not on PATH.')
              : new GitError(args, -1, `${error.message}`),
          );
          return;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        if (code !== 0 && !options.allowFailure) reject(new GitError(args, code, stderr));
        else resolve({ stdout, stderr, code });
      },
    );
    if (options.input !== undefined) {
      // EPIPE when git exits before reading it all: its exit code says what happened.
      child.stdin?.on('error', () => {});
      child.stdin?.end(options.input);
    }
  });
}

/** stdout without the trailing newline. */
export async function gitText(
  cwd: string,
  args: readonly string[],
  options: Omit<Parameters<typeof git>[2] & object, 'allowFailure'> = {},
): Promise<string> {
  return (await git(cwd, args, options)).stdout.trimEnd();
}

/** stdout as bytes: an object exactly as git stores it (a signed tag's, byte for byte). */
export function gitBytes(cwd: string, args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args as string[],
      { cwd, env: { ...process.env, LC_ALL: 'C' }, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new GitError(args, typeof error.code === 'number' ? error.code : -1, stderr.toString()))
          : resolve(stdout),
    );
  });
}
