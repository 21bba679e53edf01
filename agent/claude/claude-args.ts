import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { PermissionMode } from '../../shared/domain.js';

/**
 * The argv for one long-lived headless session. `ask` relays each tool
 * permission to us over stdio (`--permission-prompt-tool stdio`) instead of
 * silently denying it, as the CLI's default mode would headless.
 */
export function buildClaudeArgs(options: {
  permissionMode: PermissionMode;
  resumeId?: string;
  model?: string;
}): string[] {
  const args = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose'];
  if (options.permissionMode === 'bypassPermissions') args.push('--permission-mode', 'bypassPermissions');
  else args.push('--permission-mode', 'default', '--permission-prompt-tool', 'stdio');
  if (options.resumeId) args.push('--resume', options.resumeId);
  if (options.model) args.push('--model', options.model);
  return args;
}

/**
 * The CLI refuses bypassPermissions as root unless told it runs in a sandbox;
 * we say so only when we are root and bypass was chosen (see README, Security).
 */
export function claudeEnv(
  base: NodeJS.ProcessEnv,
  permissionMode: PermissionMode,
  isRoot: boolean,
): NodeJS.ProcessEnv {
  const env = { ...base };
  if (isRoot && permissionMode === 'bypassPermissions') env.IS_SANDBOX = '1';
  return env;
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
