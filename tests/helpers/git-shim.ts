import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface GitShim {
  /** PATH (the shim first) and where it logs: give it to the agent. */
  env: Record<string, string>;
  /** One line per git process started so far: its folder, a tab, its arguments. */
  lines(): string[];
}

/**
 * A `git` on PATH that logs every process started through PATH (what the
 * agent runs; git's own subcommands go through its exec path, not this),
 * then runs the real git: how many git processes a request costs, counted.
 */
export function gitShim(dir: string, path = process.env.PATH ?? ''): GitShim {
  const real = path
    .split(delimiter)
    .map((folder) => join(folder, 'git'))
    .find((candidate) => existsSync(candidate));
  if (!real) throw new Error('No git on PATH to wrap.');
  const bin = join(dir, 'git-shim');
  const log = join(dir, 'git-shim.log');
  mkdirSync(bin, { recursive: true });
  writeFileSync(log, '');
  writeFileSync(
    join(bin, 'git'),
    `#!/bin/sh\nprintf '%s\\t%s\\n' "$PWD" "$*" >> '${log}'\nexec '${real}' "$@"\n`,
  );
  chmodSync(join(bin, 'git'), 0o755);
  return {
    env: { PATH: `${bin}${delimiter}${path}` },
    lines: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}
