import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  unwatchFile,
  watchFile,
} from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { inertText } from '../../shared/inert-text.js';
import { installedService } from '../login/installer.js';
import { readAgentFile } from '../store/agent-file.js';
import { ffCommand, type HomePaths } from '../store/home.js';
import { isProcessAlive } from '../store/instance-lock.js';
import { CliError } from './connect.js';

export interface LogsOptions {
  follow?: boolean;
  session?: string;
  workspace?: string;
  lines?: number;
}

/** Pure: the last `count` lines of a text (a trailing newline does not count as a line). */
export function lastLines(text: string, count: number): string {
  if (count <= 0 || text === '') return '';
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return `${lines.slice(-count).join('\n')}\n`;
}

/** Reads at most the last `maxBytes` of a file (a log can be many MB; its tail is what is shown). */
function readTail(file: string, maxBytes: number): { text: string; size: number } {
  const fd = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    let text = buffer.toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1); // from the first whole line
    return { text, size };
  } finally {
    closeSync(fd);
  }
}

/** A session's or workspace's log by its id, or by a prefix only one id has. */
function logOf(folder: string, id: string, what: string, paths: HomePaths): string {
  const exact = join(folder, `${id}.log`);
  if (existsSync(exact)) return exact;
  const matches = existsSync(folder)
    ? readdirSync(folder).filter((name) => name.endsWith('.log') && name.startsWith(id))
    : [];
  if (matches.length === 1) return join(folder, matches[0]!);
  if (matches.length > 1)
    throw new CliError(`${id} matches ${matches.length} ${what}s: give more of the id.`);
  throw new CliError(
    `No log for ${what} ${id} in ${folder}. \`${ffCommand(paths)} ${what} list\` shows the ids.`,
  );
}

/**
 * `ff-agent logs [-f] [-n N] [--session <id> | --workspace <id>]`: the agent's log (or a
 * session's claude output, or a workspace's setup output), whatever runs the agent: ff
 * writes its own log file under every launcher, so this is the same place for all.
 */
export async function logs(paths: HomePaths, options: LogsOptions): Promise<void> {
  if (options.session && options.workspace) throw new CliError('Give --session or --workspace, not both.');
  // A session's log holds only what claude printed on stderr: a quiet session has none, which is fine.
  if (options.session && quietSession(paths, options.session)) {
    process.stderr.write(
      `Claude has printed nothing besides its transcript in session ${options.session}: \`${ffCommand(paths)} session log ${options.session}\` shows that.\n`,
    );
    return;
  }
  const file = options.session
    ? logOf(join(paths.logs, 'sessions'), options.session, 'session', paths)
    : options.workspace
      ? logOf(join(paths.logs, 'workspaces'), options.workspace, 'workspace', paths)
      : join(paths.logs, 'agent.log');
  if (!options.session && !options.workspace) hintWhenDown(paths);
  if (!existsSync(file)) {
    if (!options.follow)
      throw new CliError(`No log yet: ${file} does not exist (the agent has not run on this home).`);
  } else {
    // Logs hold what others printed (setup scripts, claude's stderr, lines an older ff wrote as they came): shown inert.
    process.stdout.write(inertText(lastLines(readTail(file, 1024 * 1024).text, options.lines ?? 50)));
  }
  if (options.follow) await follow(file);
}

function quietSession(paths: HomePaths, id: string): boolean {
  return (
    !existsSync(join(paths.logs, 'sessions', `${id}.log`)) &&
    existsSync(join(paths.transcripts, `${id}.jsonl`))
  );
}

/** When the agent is down, where its last start's own output went (before its log existed). */
function hintWhenDown(paths: HomePaths): void {
  const info = readAgentFile(paths);
  if (info?.pid && isProcessAlive(info.pid)) return;
  const service = installedService(paths.root)?.autostart;
  const places = [join(paths.logs, 'agent-start.log'), join(paths.logs, 'launchd.log')].filter(
    (f) => existsSync(f) && statSync(f).size > 0,
  );
  const extra = service === 'systemd' ? ['`journalctl --user -u ff-agent.service`'] : [];
  const where = [...places, ...extra];
  process.stderr.write(
    `ff-agent is not running.${where.length ? ` Output of its last start: ${where.join(', ')}.` : ''}\n`,
  );
}

/** Prints what is appended to `file` until Ctrl-C, across the agent's start-up rotation. */
function follow(file: string): Promise<void> {
  let offset = existsSync(file) ? statSync(file).size : 0;
  const lines = new WholeLines();
  return new Promise((resolve) => {
    const poll = () => {
      if (!existsSync(file)) return;
      const size = statSync(file).size;
      if (size < offset) {
        offset = 0; // rotated (agent.log → agent.log.1) or truncated: read the new file
        process.stdout.write(inertText(lines.flush()));
      }
      if (size === offset) return;
      const fd = openSync(file, 'r');
      try {
        const buffer = Buffer.alloc(size - offset);
        readSync(fd, buffer, 0, buffer.length, offset);
        offset = size;
        process.stdout.write(inertText(lines.push(buffer)));
      } finally {
        closeSync(fd);
      }
    };
    watchFile(file, { interval: 250 }, poll);
    const stop = () => {
      unwatchFile(file, poll);
      process.stdout.write(inertText(lines.flush()));
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * Appended bytes as whole lines: an escape sequence or a character split
 * across two reads is made inert whole, not half. What follows the last
 * newline waits for the next read (or `flush`).
 */
export class WholeLines {
  readonly #decoder = new StringDecoder('utf8');
  #rest = '';

  /** The whole lines the bytes complete, each ending in a newline. */
  push(bytes: Buffer): string {
    const text = this.#rest + this.#decoder.write(bytes);
    const end = text.lastIndexOf('\n') + 1;
    this.#rest = text.slice(end);
    return text.slice(0, end);
  }

  /** What is left (a last line without its newline). */
  flush(): string {
    const rest = this.#rest + this.#decoder.end();
    this.#rest = '';
    return rest;
  }
}
