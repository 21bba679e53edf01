// Attempts a session's walls stopped — a denied path or host — told from the lines claude prints,
// so each becomes an event in the chat ("blocked: write to ~/.bashrc") and counts on the fleet.
// The telling is pure (blockedAttempts); noteBlocked records what it finds.
import type { ClaudeLine } from '../../shared/claude-messages.js';
import { type ClaudeEntry, resultText } from '../../shared/transcript-entry.js';
import { homeRelative, isInside, type SandboxPolicy } from './sandbox-policy.js';
import type { LiveSession } from './session-process.js';
import type { SessionsContext } from './sessions.js';

/** What telling needs: the session's walls, its tool calls so far, and whether a person answers its questions. */
export interface BlockWatch {
  policy: Pick<SandboxPolicy, 'denyRead' | 'allowRead'>;
  home: string;
  /** In ask mode a denial is usually the person's answer, already in the chat: only rules count. */
  asks: boolean;
  /** The turn's tool calls by id (a denial names only the id). */
  calls: Map<string, { name: string; summary: string }>;
}

/** What a call of a file tool tried, in a few words. */
function attempt(name: string, summary: string, home: string): string {
  const target = summary.startsWith('/') ? homeRelative(summary, home) : summary;
  if (name === 'Read' || name === 'Glob' || name === 'Grep' || name === 'LS') return `read ${target}`;
  if (name === 'Write' || name === 'Edit' || name === 'MultiEdit' || name === 'NotebookEdit')
    return `write to ${target}`;
  if (name === 'WebFetch') return `fetch ${target}`;
  return `${name} ${target}`.trim();
}

const VIOLATIONS = /<sandbox_violations>([\s\S]*?)<\/sandbox_violations>/g;
const READ_ONLY = /(\/[^\s:'"]+)'?: Read-only file system/g;
const NOT_SEEN = /(\/[^\s:'"]+)'?: (?:No such file or directory|Directory nonexistent|Permission denied)/g;
const WRITES = /cannot (?:create|touch|write|make|move|remove|copy)|can't create/i;

/** The sandbox's own report of what it denied (on Linux: hosts; on macOS: files too). */
function violation(line: string, home: string): string | undefined {
  const match = /^deny(?:\(\d+\))?\s+(\S+)\s+(.+?)(?:\s+\(.*\))?$/.exec(line.trim());
  if (!match) return undefined;
  const [, operation = '', target = ''] = match;
  const where = target.startsWith('/') ? homeRelative(target, home) : target;
  if (operation.startsWith('network')) return `connect to ${where}`;
  if (operation.startsWith('file-write')) return `write to ${where}`;
  if (operation.startsWith('file-read')) return `read ${where}`;
  return `${operation} ${where}`;
}

/** Whether the command writes to `path` by a redirection (`> path`, `>> path`) or `tee`. */
function redirectsTo(command: string, path: string): boolean {
  return command
    .split(/>>?|\btee\s+(?:-a\s+)?/)
    .slice(1)
    .some((rest) => rest.trimStart().replace(/^['"]/, '').startsWith(path));
}

/**
 * What a command's output says the walls stopped: the sandbox's report, writes refused, denied
 * paths not found. `command`: the command that printed it (a redirection into a hidden folder
 * fails as "No such file", like a read).
 */
export function blockedInOutput(
  text: string,
  watch: Pick<BlockWatch, 'policy' | 'home'>,
  command = '',
): string[] {
  const found: string[] = [];
  for (const [, block = ''] of text.matchAll(VIOLATIONS))
    for (const line of block.split('\n')) {
      const what = violation(line, watch.home);
      if (what) found.push(what);
    }
  for (const [, path = ''] of text.matchAll(READ_ONLY))
    found.push(`write to ${homeRelative(path, watch.home)}`);
  const denied = (path: string) =>
    watch.policy.denyRead.some((root) => isInside(path, root)) &&
    !watch.policy.allowRead.some((allowed) => isInside(path, allowed));
  // A hidden folder answers "No such file" to a write too: the line's verb tells which it was.
  for (const line of text.split('\n'))
    for (const [, path = ''] of line.matchAll(NOT_SEEN))
      if (denied(path))
        found.push(
          `${WRITES.test(line) || redirectsTo(command, path) ? 'write to' : 'read'} ${homeRelative(path, watch.home)}`,
        );
  return [...new Set(found)];
}

/** The attempts one CLI line shows blocked — pure (reads the calls noted so far). */
export function blockedAttempts(line: ClaudeLine, watch: BlockWatch): string[] {
  if (line.kind === 'system' && line.subtype === 'permission_denied') {
    const denied = line as { tool_name?: unknown; tool_use_id?: unknown; decision_reason_type?: unknown };
    // A host is reported by the command's own output (<sandbox_violations>), once.
    if (denied.tool_name === 'SandboxNetworkAccess') return [];
    if (watch.asks && denied.decision_reason_type !== 'rule') return [];
    const call = typeof denied.tool_use_id === 'string' ? watch.calls.get(denied.tool_use_id) : undefined;
    const name = call?.name ?? (typeof denied.tool_name === 'string' ? denied.tool_name : 'a tool');
    return [attempt(name, call?.summary ?? '', watch.home)];
  }
  if (line.kind !== 'user' || typeof line.message.content === 'string') return [];
  // The whole output, not the entry's preview: the sandbox's report comes last.
  return line.message.content.flatMap((block) => {
    const call = typeof block.tool_use_id === 'string' ? watch.calls.get(block.tool_use_id) : undefined;
    return block.type === 'tool_result' && call?.name === 'Bash'
      ? blockedInOutput(resultText(block.content), watch, call.summary)
      : [];
  });
}

/** One line of a sandboxed session: its tool calls noted, what its walls stopped recorded and counted. */
export function noteBlocked(
  { sessions, transcripts }: SessionsContext,
  id: string,
  live: LiveSession,
  line: ClaudeLine,
  entries: readonly ClaudeEntry[],
): void {
  const watch = live.blockWatch;
  if (!watch) return;
  for (const entry of entries)
    if (entry.type === 'tool-call') watch.calls.set(entry.id, { name: entry.name, summary: entry.summary });
  const found = blockedAttempts(line, watch);
  if (line.kind === 'result') watch.calls.clear();
  if (found.length === 0) return;
  for (const what of found) transcripts.append(id, { kind: 'blocked', what });
  sessions.patch(id, { blocked: (sessions.find(id).blocked ?? 0) + found.length });
}
