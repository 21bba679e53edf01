import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Pure: a path a user gave the agent (a CLI argument already made absolute by the CLI, or a
 * field typed in Options): `~` and `~/…` expand against the agent user's home; any other
 * relative path is refused, since it would resolve in the agent's own folder, not the user's.
 */
export function agentSidePath(
  value: string,
  home: string,
  what = 'path',
): { ok: true; path: string } | { ok: false; error: string } {
  const trimmed = value.trim();
  if (trimmed === '~') return { ok: true, path: resolve(home) };
  if (trimmed.startsWith('~/')) return { ok: true, path: resolve(join(home, trimmed.slice(2))) };
  if (trimmed.startsWith('~'))
    return { ok: false, error: `${trimmed}: ~user paths are not supported; give the full ${what}.` };
  if (!isAbsolute(trimmed))
    return {
      ok: false,
      error: `${trimmed} is a relative ${what}: give an absolute one (or ~/…); ff-agent would read it from its own folder.`,
    };
  return { ok: true, path: resolve(trimmed) };
}

/** The agent's user's home, as `~` means it. */
export function agentHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME?.trim() || homedir();
}

/**
 * Pure: what the CLI sends for a path its user typed: resolved in the user's own folder (the
 * agent's is elsewhere), `~…` as typed for the agent to expand. For a path on a remote host
 * there is no folder to resolve in: only an absolute or `~` path will do.
 */
export function callerSidePath(
  value: string,
  cwd: string,
  remote?: string,
): { ok: true; path: string } | { ok: false; error: string } {
  const trimmed = value.trim();
  if (trimmed.startsWith('~') || isAbsolute(trimmed)) return { ok: true, path: trimmed };
  if (remote)
    return {
      ok: false,
      error: `${trimmed} is relative, but it is a path on ${remote}: give it absolute, or from ~ (e.g. ~/src/app).`,
    };
  return { ok: true, path: resolve(cwd, trimmed) };
}
