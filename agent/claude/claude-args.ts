import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * The argv for one long-lived headless session. `permission`: the mode flags and settings its
 * sandbox calls for (session-sandbox.ts `sessionLaunch`); an asking session relays each tool
 * permission to us over stdio instead of having it silently denied.
 */
export function buildClaudeArgs(options: {
  permission: readonly string[];
  resumeId?: string;
  model?: string;
}): string[] {
  const args = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose'];
  args.push(...options.permission);
  if (options.resumeId) args.push('--resume', options.resumeId);
  if (options.model) args.push('--model', options.model);
  return args;
}

export class ClaudeNotFoundError extends Error {}

/** FF_CLAUDE_BIN, else `claude` on PATH; a clear error naming both when neither exists. */
export function resolveClaudeBinary(env: NodeJS.ProcessEnv): string {
  const explicit = env.FF_CLAUDE_BIN?.trim();
  const candidates = explicit
    ? [explicit]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .flatMap((dir) =>
          process.platform === 'win32'
            ? [join(dir, 'claude.exe'), join(dir, 'claude.cmd')]
            : [join(dir, 'claude')],
        );
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (isAbsolute(candidate) || explicit) return candidate;
    } catch {
      // Not there, or not executable: the next candidate may be.
    }
  }
  throw new ClaudeNotFoundError(
    explicit
      ? `FF_CLAUDE_BIN is ${explicit}, which is not an executable file.`
      : 'Claude Code is not installed: no `claude` on PATH. Install it (npm install -g @anthropic-ai/claude-code) or set FF_CLAUDE_BIN to its path.',
  );
}
