import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { AgentError } from '../../shared/protocol.js';
import type { Logger } from '../logger.js';
import { type SshTarget, sshBaseArgs, sshErrorLine } from './ssh-command.js';
import { SSH } from './ssh-run.js';

/**
 * Forwards to remote workspaces' previews: a TCP server on 127.0.0.1 here
 * per (remote, port), each connection to it piped over its own `ssh -W
 * 127.0.0.1:<port>` through the remote's ControlMaster (a multiplexed
 * channel: no new login). Chosen over `-O forward -L` on the master because
 * the forward is then ours: it binds a port the kernel picks (no race for
 * a "free" port), it outlives the master's reconnects (each connection
 * finds the master of the moment), it knows when it is idle (its
 * connections), and closing it is closing a server.
 */

/** How long a forward nobody has used stays open (FF_PREVIEW_IDLE_MS). */
export const PREVIEW_IDLE_MS = 10 * 60_000;

/** How often each open forward's port is checked to still be its workspace's preview (FF_PREVIEW_CHECK_MS). */
export const PREVIEW_CHECK_MS = 60_000;

/**
 * Checks in a row that must find the port no preview before its forward
 * closes: one miss may be a dev server restarting.
 */
export const MISSES_TO_CLOSE = 2;

/** How long opening a forward may take: its first channel to the port must open within this. */
export const PROBE_TIMEOUT_MS = 10_000;

/** At most this much of one connection's ssh stderr is kept (for its last line). */
const STDERR_LIMIT = 4096;

/** Where one remote's previews are reached, for `PreviewForwards`. */
export interface SshRoute {
  target: SshTarget;
  /** Its ControlMaster's socket path. */
  path: string;
}

/** A forward's name: one per remote and remote port — pure. */
export function forwardKey(remote: string, port: number): string {
  return `${remote}:${port}`;
}

/** The remote's loopback addresses a preview may listen on, in the order they are tried. */
export const LOOPBACKS = ['127.0.0.1', '::1'] as const;

/** `ssh -W`: this process's stdin and stdout become a channel to host:port on the remote — pure. */
export function stdioForwardArgs(route: SshRoute, host: string, port: number): string[] {
  return [
    '-o',
    'ControlMaster=no',
    ...sshBaseArgs(route.target, route.path),
    '-W',
    host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    '--',
    route.target.destination,
  ];
}

/** The URL of a forward's local end — pure. An IP, not `localhost`: the forward listens on IPv4 only. */
export function forwardUrl(localPort: number): string {
  return `http://127.0.0.1:${localPort}/`;
}

/**
 * Why `ssh -W` to `port` failed, from its stderr, as a sentence — pure. ssh
 * ends with "stdio forwarding failed"; the line before says why.
 */
export function forwardFailure(stderr: string, port: number, remote: string): string {
  const lines = stderr.split('\n').map((line) => line.trim());
  const why = lines.find((line) => /open failed|refused|prohibited/i.test(line)) ?? sshErrorLine(stderr);
  const hint = /prohibited/i.test(why)
    ? ` The sshd of ${remote} must allow TCP forwarding (AllowTcpForwarding yes).`
    : /connection refused|connect failed/i.test(why)
      ? ` Nothing listens on port ${port} there now: is the app still running?`
      : '';
  return `Could not forward port ${port} on ${remote} over ssh: ${why}.${hint}`;
}

/** What the idle sweep reads of a forward. */
export interface ForwardUse {
  key: string;
  /** Connections open through it now (an open page's live-reload socket counts). */
  connections: number;
  lastUsedAt: number;
}

/**
 * A forward's misses after a check — pure: the port is still a preview
 * (`true`: none), is not (`false`: one more), or the remote could not say
 * (`undefined`: unreachable, slow; as they were).
 */
export function missesAfter(misses: number, stillPreview: boolean | undefined): number {
  if (stillPreview === undefined) return misses;
  return stillPreview ? 0 : misses + 1;
}

/** The forwards that have had no connection for `idleMs` at `now` — pure. */
export function idleForwards(forwards: readonly ForwardUse[], now: number, idleMs: number): string[] {
  return forwards.filter((f) => f.connections === 0 && now - f.lastUsedAt >= idleMs).map((f) => f.key);
}

/** One forward: a loopback server whose connections each go over their own `ssh -W`. */
class PreviewForward implements ForwardUse {
  readonly key: string;
  readonly remote: string;
  readonly workspaceId: string;
  readonly port: number;
  readonly #route: SshRoute;
  readonly #log: Logger;
  readonly #server: Server;
  readonly #pipes = new Map<Socket, ChildProcess>();
  lastUsedAt = Date.now();
  localPort = 0;
  /** Where the port listens there: 127.0.0.1 or ::1, as the probe found. */
  host: string = LOOPBACKS[0];
  /** Checks in a row that found its port no preview of its workspace (MISSES_TO_CLOSE). */
  misses = 0;
  /** The last connection's failure, logged once until a connection works again. */
  #lastFailure: string | undefined;

  constructor(remote: string, workspaceId: string, port: number, route: SshRoute, log: Logger) {
    this.key = forwardKey(remote, port);
    this.remote = remote;
    this.workspaceId = workspaceId;
    this.port = port;
    this.#route = route;
    this.#log = log;
    // Half-open: a client that ends its request still gets the answer ssh brings back.
    this.#server = createServer({ allowHalfOpen: true }, (socket) => this.#pipe(socket));
  }

  get connections(): number {
    return this.#pipes.size;
  }

  /** Listens on a port of 127.0.0.1 the kernel picks; never on another interface. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        const address = this.#server.address();
        this.localPort = typeof address === 'object' && address ? address.port : 0;
        resolve();
      });
    });
  }

  /**
   * Finds where the port listens there, 127.0.0.1 or ::1 (a dev server bound
   * to `localhost` may take either), by opening one channel to each in turn
   * and ending it at once: ssh exits 0 when the remote accepted it, else
   * with its reason ("Connection refused", "administratively prohibited"…),
   * so a forward that cannot work says why now rather than as a blank page.
   * Each try is bounded by PROBE_TIMEOUT_MS; a try that times out ends it.
   */
  async probe(timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
    let first: AgentError | undefined;
    for (const host of LOOPBACKS) {
      const failure = await this.#tryChannel(host, timeoutMs);
      if (!failure) {
        this.host = host;
        return;
      }
      if (failure.code === 'TIMEOUT') throw failure;
      first ??= failure;
    }
    throw first;
  }

  /** One channel to host:port there, ended at once: undefined when it opened, else why not. */
  #tryChannel(host: string, timeoutMs: number): Promise<AgentError | undefined> {
    return new Promise((resolve) => {
      const child = spawn(SSH, stdioForwardArgs(this.#route, host, this.port), {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk) => {
        if (stderr.length < STDERR_LIMIT) stderr += chunk;
      });
      const where = `port ${this.port} on ${this.remote}`;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(
          new AgentError(
            'TIMEOUT',
            `The ssh link to ${where} did not open within ${timeoutMs / 1000} s. \`ff-agent remote list\` shows the link's state.`,
          ),
        );
      }, timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        resolve(new AgentError('UNAVAILABLE', `Could not run ssh for ${where}: ${error.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve(
          code === 0
            ? undefined
            : new AgentError('UNAVAILABLE', forwardFailure(stderr, this.port, this.remote)),
        );
      });
    });
  }

  #pipe(socket: Socket): void {
    this.lastUsedAt = Date.now();
    const child = spawn(SSH, stdioForwardArgs(this.#route, this.host, this.port), {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#pipes.set(socket, child);
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      if (stderr.length < STDERR_LIMIT) stderr += chunk;
    });
    // The other side going first is the normal end of a connection, not an error to raise.
    child.stdin?.on('error', () => {});
    socket.on('error', () => {});
    child.on('error', (error) => {
      this.#log.warn(`Preview forward ${this.key}: could not run ssh: ${error.message}`);
      socket.destroy();
    });
    if (child.stdin) socket.pipe(child.stdin);
    child.stdout?.pipe(socket);
    child.on('close', (code) => {
      const failure =
        code !== 0 && code !== null ? forwardFailure(stderr, this.port, this.remote) : undefined;
      // A page whose app is down retries each second (a dev server's reload client): said once, not each time.
      if (failure && failure !== this.#lastFailure) this.#log.warn(`Preview forward ${this.key}: ${failure}`);
      if (code === 0) this.#lastFailure = undefined;
      else if (failure) this.#lastFailure = failure;
      // stdout's end has ended the socket already when ssh finished well; otherwise it is cut.
      if (code !== 0) socket.destroy();
    });
    socket.on('close', () => {
      this.#pipes.delete(socket);
      this.lastUsedAt = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    });
  }

  /** Stops listening and cuts every connection through it. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const [socket, child] of this.#pipes) {
      socket.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
    this.#pipes.clear();
    return closed;
  }
}

/** Whether `port` on `remote` is still a preview of `workspaceId`; undefined when the remote cannot say now. */
export type StillPreview = (forward: {
  remote: string;
  workspaceId: string;
  port: number;
}) => Promise<boolean | undefined>;

/**
 * The open forwards of this agent: opened on demand, one per (remote,
 * port), reused while open; closed when their remote is removed, their
 * workspace archived, the agent stops, or after PREVIEW_IDLE_MS unused.
 */
export class PreviewForwards {
  readonly #route: (remote: string) => SshRoute | undefined;
  readonly #log: Logger;
  readonly #idleMs: number;
  readonly #open = new Map<string, PreviewForward>();
  /** Forwards being opened: a second open of the same one waits for the first. */
  readonly #opening = new Map<string, Promise<PreviewForward>>();
  readonly #stillPreview: StillPreview | undefined;
  readonly #checkMs: number;
  #sweep: ReturnType<typeof setInterval> | undefined;
  #checking = false;
  #closed = false;

  constructor(deps: {
    route: (remote: string) => SshRoute | undefined;
    log: Logger;
    idleMs?: number;
    /** Asks the remote whether a forward's port is still its workspace's preview. */
    stillPreview?: StillPreview;
    checkMs?: number;
  }) {
    this.#route = deps.route;
    this.#log = deps.log;
    this.#idleMs = deps.idleMs ?? PREVIEW_IDLE_MS;
    this.#stillPreview = deps.stillPreview;
    this.#checkMs = deps.checkMs ?? PREVIEW_CHECK_MS;
  }

  /** The local URL of the forward to `port` on `remote` (a preview of `workspaceId` there): the open one, or a new one. */
  async open(remote: string, workspaceId: string, port: number): Promise<string> {
    if (this.#closed) throw new AgentError('UNAVAILABLE', 'ff-agent is stopping.');
    const key = forwardKey(remote, port);
    let forward = this.#open.get(key);
    if (!forward) {
      let opening = this.#opening.get(key);
      if (!opening) {
        opening = this.#start(remote, workspaceId, port);
        this.#opening.set(key, opening);
        void opening.catch(() => {}).finally(() => this.#opening.delete(key));
      }
      forward = await opening;
    }
    forward.lastUsedAt = Date.now();
    return forwardUrl(forward.localPort);
  }

  async #start(remote: string, workspaceId: string, port: number): Promise<PreviewForward> {
    const route = this.#route(remote);
    if (!route) throw new AgentError('NOT_FOUND', `No remote named ${remote} (\`ff-agent remote list\`).`);
    const forward = new PreviewForward(remote, workspaceId, port, route, this.#log);
    await forward.probe();
    await forward.listen();
    // Stopped, or the remote removed, while it opened: it is not kept.
    if (this.#closed || !this.#route(remote)) {
      await forward.close();
      throw new AgentError('UNAVAILABLE', `${remote} went away while its preview ${port} was opening.`);
    }
    this.#open.set(forward.key, forward);
    this.#log.info(`Preview ${forward.key} forwarded to 127.0.0.1:${forward.localPort}`);
    this.#startSweep();
    return forward;
  }

  /** Where each open forward leads, by its local URL (tests, diagnostics). */
  list(): Array<{ remote: string; workspaceId: string; port: number; url: string }> {
    return [...this.#open.values()].map((f) => ({
      remote: f.remote,
      workspaceId: f.workspaceId,
      port: f.port,
      url: forwardUrl(f.localPort),
    }));
  }

  /** Closes the forwards of one remote (it was removed). */
  closeRemote(remote: string): Promise<void> {
    return this.#closeWhere((f) => f.remote === remote);
  }

  /** Closes the forwards to one workspace's previews (it was archived). */
  closeWorkspace(workspaceId: string): Promise<void> {
    return this.#closeWhere((f) => f.workspaceId === workspaceId);
  }

  /** Closes every forward (the agent stops); opens after this are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#opening.values()].map((opening) => opening.catch(() => {})));
    await this.#closeWhere(() => true);
  }

  async #closeWhere(which: (forward: PreviewForward) => boolean): Promise<void> {
    const closing = [...this.#open.values()].filter(which);
    for (const forward of closing) {
      this.#open.delete(forward.key);
      this.#log.info(`Preview ${forward.key} closed (127.0.0.1:${forward.localPort})`);
    }
    if (this.#open.size === 0) {
      clearInterval(this.#sweep);
      this.#sweep = undefined;
    }
    await Promise.all(closing.map((forward) => forward.close()));
  }

  /**
   * While forwards are open: those unused for the idle time are closed, and
   * those whose port is no longer their workspace's preview (archived on
   * the remote itself, its app stopped and the port maybe another's).
   */
  #startSweep(): void {
    if (this.#sweep) return;
    this.#sweep = setInterval(
      () => {
        const idle = new Set(idleForwards([...this.#open.values()], Date.now(), this.#idleMs));
        if (idle.size) void this.#closeWhere((f) => idle.has(f.key));
        void this.#check();
      },
      Math.max(50, Math.min(this.#checkMs, this.#idleMs / 2)),
    );
    this.#sweep.unref?.();
  }

  async #check(): Promise<void> {
    const stillPreview = this.#stillPreview;
    if (!stillPreview || this.#checking) return;
    this.#checking = true;
    try {
      const open = [...this.#open.values()];
      const verdicts = await Promise.all(open.map((f) => stillPreview(f).catch(() => undefined)));
      for (const [i, forward] of open.entries()) forward.misses = missesAfter(forward.misses, verdicts[i]);
      const stale = new Set(open.filter((f) => f.misses >= MISSES_TO_CLOSE).map((f) => f.key));
      if (stale.size) {
        for (const key of stale) this.#log.info(`Preview ${key} is no longer a preview of its workspace`);
        await this.#closeWhere((f) => stale.has(f.key) && f.misses >= MISSES_TO_CLOSE);
      }
    } finally {
      this.#checking = false;
    }
  }
}
