import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type * as Pty from 'node-pty';
import { AgentError, type TerminalEvent, type TerminalInfo } from '../../shared/protocol.js';
import type { EventHub } from '../events/event-hub.js';
import type { Logger } from '../logger.js';
import type { StartedProcesses } from '../supervisor/started-processes.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import { RingBuffer } from './ring-buffer.js';

/** Scrollback kept per terminal for reattaching clients. */
export const SCROLLBACK_CHARS = 1024 * 1024;
/** Output is sent at most this often, coalesced: a flood becomes a few large events, not thousands. */
const FLUSH_MS = 16;
/** Above this much unsent output the PTY is paused until it is sent: memory stays bounded under `yes`. */
const HIGH_WATER = 256 * 1024;

interface Terminal {
  info: TerminalInfo;
  pty: Pty.IPty | undefined;
  ring: RingBuffer;
  seq: number;
  pending: string;
  timer: NodeJS.Timeout | undefined;
  paused: boolean;
}

/**
 * PTY terminals in workspaces (the user's shell, cwd = the worktree).
 * Output goes out on `terminal:<id>` in order, coalesced; a reattaching
 * client gets the scrollback as one snapshot, then live output. Terminals
 * end with their workspace (what they started too: archive ends their
 * sessions) and with the agent — no orphan shells.
 */
export class Terminals {
  readonly #terminals = new Map<string, Terminal>();
  readonly #hub: EventHub;
  readonly #workspaces: Workspaces;
  readonly #log: Logger;
  readonly #env: NodeJS.ProcessEnv;

  constructor(deps: { hub: EventHub; workspaces: Workspaces; log: Logger; env: NodeJS.ProcessEnv }) {
    this.#hub = deps.hub;
    this.#workspaces = deps.workspaces;
    this.#log = deps.log;
    this.#env = deps.env;
    this.#hub.registerSource('terminal', {
      lastSeq: (topic) => this.#terminals.get(topic.slice('terminal:'.length))?.seq ?? 0,
      // A reattaching client gets the screen as one snapshot at the current seq, then live output.
      readFrom: (topic, since) => {
        const terminal = this.#terminals.get(topic.slice('terminal:'.length));
        if (!terminal || since >= terminal.seq) return [];
        const data: TerminalEvent = {
          kind: 'snapshot',
          data: terminal.ring.toString(),
          ...(terminal.info.exitCode !== undefined ? { exitCode: terminal.info.exitCode } : {}),
        };
        return [{ type: 'event', topic, seq: terminal.seq, data }];
      },
    });
    this.#workspaces.onArchive((workspace) => this.closeAll(workspace.id));
  }

  /**
   * Starts the project's run script (ff's setting, else the repo's conductor,
   * superset or codex config) in a terminal of the workspace, with its ports; answers
   * the one already running if there is one.
   */
  async run(workspaceId: string): Promise<TerminalInfo> {
    const running = this.#running(workspaceId);
    if (running) return { ...running.info };
    await this.#workspaces.ensurePorts(workspaceId);
    const script = (await this.#workspaces.scripts(workspaceId)).run;
    if (!script) {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `No run script for workspace ${workspaceId}: set one with \`ff-agent project set <owner/repo> --run "<command>"\`, or declare scripts.run in .conductor/settings.toml or conductor.json, or run in .superset/config.json, or an action named Run in .codex/environments/environment.toml.`,
      );
    }
    return this.open({ workspaceId, cols: 120, rows: 30, command: script.command });
  }

  /** Stops the workspace's run script and all it started (its process group); false when none was running. */
  stopRun(workspaceId: string): boolean {
    const running = this.#running(workspaceId);
    if (!running) return false;
    endGroup(running.pty);
    return true;
  }

  #running(workspaceId: string): Terminal | undefined {
    return [...this.#terminals.values()].find(
      (t) => t.info.workspaceId === workspaceId && t.info.run && t.pty,
    );
  }

  async open(input: {
    workspaceId: string;
    cols: number;
    rows: number;
    command?: string;
  }): Promise<TerminalInfo> {
    const workspace = this.#workspaces.find(input.workspaceId);
    if (workspace.status !== 'ready' || !existsSync(workspace.path)) {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `Workspace ${workspace.id} is ${workspace.status}; a terminal needs its worktree.`,
      );
    }
    const shell =
      process.platform === 'win32' ? (this.#env.ComSpec ?? 'cmd.exe') : this.#env.SHELL || '/bin/bash';
    const id = randomBytes(5).toString('hex');
    // Loaded on first use: the native addon costs the agent's start time and most agents never open a terminal.
    const pty = await import('node-pty');
    // A run script goes to the user's shell as one argv element, as the setup command does.
    const child = pty.spawn(shell, input.command ? ['-c', input.command] : [], {
      name: 'xterm-256color',
      cols: input.cols,
      rows: input.rows,
      cwd: workspace.path,
      env: {
        ...this.#env,
        TERM: 'xterm-256color',
        ...this.#workspaces.env(workspace.id),
      } as Record<string, string>,
    });
    const terminal: Terminal = {
      info: {
        id,
        workspaceId: workspace.id,
        shell,
        cols: input.cols,
        rows: input.rows,
        pid: child.pid,
        createdAt: new Date().toISOString(),
        ...(input.command ? { run: true } : {}),
      },
      pty: child,
      ring: new RingBuffer(SCROLLBACK_CHARS),
      seq: 0,
      pending: '',
      timer: undefined,
      paused: false,
    };
    this.#terminals.set(id, terminal);
    child.onData((data) => this.#output(terminal, data));
    child.onExit(({ exitCode, signal }) => {
      this.#flush(terminal);
      terminal.pty = undefined;
      terminal.info.exitCode = exitCode;
      if (signal) terminal.info.signal = signal;
      this.#emit(terminal, { kind: 'exit', exitCode, ...(signal ? { signal } : {}) });
      this.#log.info(`Terminal ${id} exited with code ${exitCode}`);
    });
    this.#log.info(`Terminal ${id} opened in workspace ${workspace.id} (${shell}, pid ${child.pid})`);
    return { ...terminal.info };
  }

  input(id: string, data: string): void {
    const terminal = this.#live(id);
    terminal.pty!.write(data);
  }

  resize(id: string, cols: number, rows: number): TerminalInfo {
    const terminal = this.#live(id);
    terminal.pty!.resize(cols, rows);
    terminal.info.cols = cols;
    terminal.info.rows = rows;
    return { ...terminal.info };
  }

  close(id: string): TerminalInfo {
    const terminal = this.#find(id);
    clearTimeout(terminal.timer);
    endTerminal(terminal);
    this.#terminals.delete(id);
    return { ...terminal.info };
  }

  list(workspaceId?: string): TerminalInfo[] {
    return [...this.#terminals.values()]
      .filter((t) => !workspaceId || t.info.workspaceId === workspaceId)
      .map((t) => ({ ...t.info }));
  }

  /**
   * Closes the terminals (of one workspace, or all). Returns the sessions
   * their shells led (a PTY's shell leads a session of its own): what they
   * started and left running — a background job, `nohup`ed or not — is in
   * them, for archive to end too.
   */
  closeAll(workspaceId?: string): StartedProcesses {
    const sessions: number[] = [];
    for (const terminal of [...this.#terminals.values()]) {
      if (!workspaceId || terminal.info.workspaceId === workspaceId) {
        clearTimeout(terminal.timer);
        endTerminal(terminal);
        this.#terminals.delete(terminal.info.id);
        sessions.push(terminal.info.pid);
      }
    }
    return { sessions };
  }

  #output(terminal: Terminal, data: string): void {
    terminal.ring.push(data);
    terminal.pending += data;
    if (terminal.pending.length > HIGH_WATER && !terminal.paused && terminal.pty) {
      terminal.paused = true;
      terminal.pty.pause();
    }
    terminal.timer ??= setTimeout(() => this.#flush(terminal), FLUSH_MS);
  }

  #flush(terminal: Terminal): void {
    clearTimeout(terminal.timer);
    terminal.timer = undefined;
    if (terminal.pending) {
      const data = terminal.pending;
      terminal.pending = '';
      this.#emit(terminal, { kind: 'output', data });
      // Whatever ran in it may have changed the worktree's files.
      this.#workspaces.touched(terminal.info.workspaceId);
    }
    if (terminal.paused && terminal.pty) {
      terminal.paused = false;
      // Give the event loop (other sessions' events, requests) a turn before reading more.
      setImmediate(() => terminal.pty?.resume());
    }
  }

  #emit(terminal: Terminal, event: TerminalEvent): void {
    terminal.seq += 1;
    this.#hub.publish(`terminal:${terminal.info.id}`, event, terminal.seq);
  }

  #find(id: string): Terminal {
    const terminal = this.#terminals.get(id);
    if (!terminal) throw new AgentError('NOT_FOUND', `No terminal ${id}.`);
    return terminal;
  }

  #live(id: string): Terminal {
    const terminal = this.#find(id);
    if (!terminal.pty)
      throw new AgentError(
        'FAILED_PRECONDITION',
        `Terminal ${id} has exited (code ${terminal.info.exitCode}).`,
      );
    return terminal;
  }
}

/** A run script's terminal ends with its process group; a user's shell as a closed window would. */
function endTerminal(terminal: Terminal): void {
  if (terminal.info.run) endGroup(terminal.pty);
  else endShell(terminal.pty);
}

/** How long a run script's process group gets to end on SIGTERM before it is killed. */
const RUN_GRACE_MS = 3_000;

/**
 * A run script ends with everything it started: the PTY made its shell a
 * session and process-group leader, so the group (a dev server and its
 * watchers) gets SIGTERM, then SIGKILL if it lingers.
 */
function endGroup(pty: Pty.IPty | undefined): void {
  if (!pty) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pty.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  let exited = false;
  pty.onExit(() => {
    exited = true;
    // What the script left in the background goes too.
    signalGroup('SIGKILL');
  });
  signalGroup('SIGTERM');
  setTimeout(() => {
    if (!exited) signalGroup('SIGKILL');
  }, RUN_GRACE_MS).unref();
}

/** How long a shell gets to end on SIGHUP before it is killed. */
const SHELL_GRACE_MS = 2_000;

/**
 * SIGHUP first, as a closed terminal window would; a shell that ignores or
 * traps it (or is too busy to act on it) is killed after a grace period, so
 * closing a terminal or archiving its workspace never leaves a shell behind.
 */
function endShell(
  pty: { kill(signal?: string): void; onExit(listener: () => void): unknown } | undefined,
): void {
  if (!pty) return;
  let exited = false;
  pty.onExit(() => {
    exited = true;
  });
  pty.kill('SIGHUP');
  setTimeout(() => {
    if (exited) return;
    try {
      pty.kill('SIGKILL');
    } catch {
      // already gone
    }
  }, SHELL_GRACE_MS).unref();
}
