import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { AgentClient } from '../../shared/agent-client.js';
import { errorText } from '../../shared/error-text.js';
import type { RemoteView } from '../../shared/protocol.js';
import type { Logger } from '../logger.js';
import { agentVersion } from '../version.js';
import { parseAgentStatus, parsePairingCode } from './remote-agent-cli.js';
import { RemoteSocket } from './remote-socket.js';
import {
  backoffMs,
  controlArgs,
  controlDir,
  controlPath,
  latencyChanged,
  masterArgs,
  remoteCommandArgs,
  type SshTarget,
  sshErrorLine,
} from './ssh-command.js';
import { freePort, runSsh as run, SSH } from './ssh-run.js';

/** A failure to bring a remote up, with a message that says what to do. */
export class RemoteError extends Error {}

/** Who hears a remote's agent connection come and go (the relay). */
export interface RemoteListener {
  /** The remote agent answers through `agent`; `instanceId` changes when it restarted. */
  up(name: string, agent: RemoteAgent, instanceId: string): void;
  down(name: string): void;
}

/** Why a connected remote shows unreachable: it has stopped answering (the relay shows its last known lists meanwhile). */
export const NOT_ANSWERING =
  'not answering (its ssh link is up); ff shows its last known lists until it does';

/** How often a connected remote's agent is asked for its status (its round trip feeds `remotes`). */
export const DEFAULT_HEALTH_MS = 5_000;

/** A connection to a remote agent: its client, and its socket for answers passed on unread. */
export interface RemoteAgent {
  client: AgentClient;
  socket: RemoteSocket;
}

/** Opens the remote agent through the tunnel. The remote checks Host against its own port, so that is what we send. */
export async function connectThroughTunnel(
  localPort: number,
  remotePort: number,
  auth: { token: string } | { pairingCode: string },
): Promise<RemoteAgent> {
  let socket: RemoteSocket | undefined;
  const client = await AgentClient.connect(
    () => {
      socket = new RemoteSocket(
        new WebSocket(`ws://127.0.0.1:${localPort}`, { headers: { Host: `127.0.0.1:${remotePort}` } }),
      );
      return socket;
    },
    { ...auth, client: { name: 'ff-agent-remote', version: agentVersion }, timeoutMs: 10_000 },
  );
  if (!socket) throw new RemoteError('the connection to the remote agent was not opened');
  return { client, socket };
}

/**
 * One remote host: a ControlMaster ssh process (ours: its exit is the link
 * dropping), a forward from a local loopback port to the remote agent's
 * loopback port, and reconnects with backoff.
 */
export class RemoteLink {
  readonly target: SshTarget;
  readonly #home: string;
  readonly #log: Logger;
  token: string | undefined;
  state: RemoteView['state'] = 'connecting';
  since = new Date().toISOString();
  error: string | undefined;
  localPort: number | undefined;
  remotePort: number | undefined;
  remoteVersion: string | undefined;
  /** The last time the remote agent answered through the tunnel. */
  lastSeenAt: string | undefined;
  /** While connected: since when a read has waited for its answer longer than the relay waits (remote-relay.ts). */
  #notAnsweringSince: string | undefined;
  readonly #onChange: () => void;
  readonly #listener: () => RemoteListener | undefined;
  readonly #healthMs: number;
  /** The one connection to the remote agent while connected: requests and relayed events go through it. */
  client: AgentClient | undefined;
  #socket: RemoteSocket | undefined;
  latencyMs: number | undefined;
  #health: ReturnType<typeof setInterval> | undefined;
  #master: ChildProcess | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(
    target: SshTarget,
    home: string,
    log: Logger,
    events: { onChange: () => void; listener: () => RemoteListener | undefined; healthMs: number },
    token?: string,
  ) {
    this.target = target;
    this.#onChange = events.onChange;
    this.#listener = events.listener;
    this.#healthMs = events.healthMs;
    this.#home = home;
    this.#log = log;
    this.token = token;
  }

  get path(): string {
    return controlPath(this.#home, this.target.name);
  }

  #set(state: RemoteView['state'], error?: string): void {
    // "unreachable since" is when it was last up: failed retries keep the first time.
    const changed = state !== this.state || error !== this.error;
    if (state !== this.state) this.since = new Date().toISOString();
    if (state === 'connected') this.lastSeenAt = new Date().toISOString();
    this.state = state;
    this.error = error;
    if (changed) this.#onChange();
  }

  /** Brings the link up once; throws RemoteError saying why not. */
  async connect(): Promise<void> {
    const dir = controlDir(this.#home, this.target.name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    await run(controlArgs(this.target, this.path, 'exit'), 5_000);
    // A master that died without cleanup leaves its socket; ssh would then run without one.
    for (const file of readdirSync(dir))
      if (file.startsWith(`${this.target.name}-`)) rmSync(join(dir, file), { force: true });
    const master = spawn(SSH, masterArgs(this.target, this.path), { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#master = master;
    let stderr = '';
    master.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    let exited = false;
    master.on('exit', () => {
      exited = true;
      if (this.#master === master) this.#onDrop(sshErrorLine(stderr));
    });
    for (let waited = 0; ; waited += 200) {
      if (exited) throw new RemoteError(`ssh to ${this.target.destination} failed: ${sshErrorLine(stderr)}`);
      if ((await run(controlArgs(this.target, this.path, 'check'), 5_000)).code === 0) break;
      if (waited > 20_000)
        throw new RemoteError(`ssh to ${this.target.destination} did not connect in 20 s.`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    this.remotePort = await this.#remoteAgentPort();
    this.localPort = this.localPort ?? (await freePort());
    const forward = await run(
      controlArgs(this.target, this.path, 'forward', {
        localPort: this.localPort,
        remotePort: this.remotePort,
      }),
    );
    if (forward.code !== 0) {
      this.localPort = undefined; // taken meanwhile: a new one next time
      throw new RemoteError(
        `Could not forward a local port to ${this.target.name}: ${sshErrorLine(forward.stderr)}`,
      );
    }
    if (this.token) await this.#openClient();
    this.#attempt = 0;
    this.#set('connected');
    this.#announce();
  }

  async #openClient(): Promise<void> {
    if (!this.token || this.localPort === undefined || this.remotePort === undefined) return;
    const { client, socket } = await connectThroughTunnel(this.localPort, this.remotePort, {
      token: this.token,
    }).catch((error: Error) => {
      throw new RemoteError(`The agent on ${this.target.name} refused ff: ${error.message}`);
    });
    this.remoteVersion = client.welcome.agentVersion;
    this.lastSeenAt = new Date().toISOString();
    this.client = client;
    this.#socket = socket;
    // The remote agent stopped (or restarted) while ssh stayed up: bring it all up again.
    client.onClose(() => {
      if (this.client === client) this.#lost(`the agent on ${this.target.name} closed the connection`);
    });
  }

  #announce(): void {
    if (!this.client || !this.#socket) return;
    this.#startHealth(this.client);
    const agent = { client: this.client, socket: this.#socket };
    this.#listener()?.up(this.target.name, agent, this.client.welcome.instanceId);
  }

  /** After pairing: the lasting connection to the remote agent, announced to the relay. */
  async attach(): Promise<void> {
    await this.#openClient();
    this.#announce();
  }

  /** While connected, a status round trip every few seconds: its latency is shown, its failure is a drop. */
  #startHealth(client: AgentClient): void {
    clearInterval(this.#health);
    let busy = false;
    this.#health = setInterval(async () => {
      if (busy || this.client !== client) return;
      busy = true;
      const started = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          client.call('status'),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('no answer')), Math.max(5_000, this.#healthMs * 2));
          }),
        ]);
        const latency = Math.round((performance.now() - started) * 10) / 10;
        // Kept for the next view (a drop says when it was last seen); published only when it says something new.
        this.lastSeenAt = new Date().toISOString();
        if (latencyChanged(this.latencyMs, latency)) {
          this.latencyMs = latency;
          this.#onChange();
        }
      } catch {
        if (this.client === client)
          this.#lost(`the agent on ${this.target.name} did not answer its health check`);
      } finally {
        clearTimeout(timer);
        busy = false;
      }
    }, this.#healthMs);
    this.#health.unref?.();
  }

  /**
   * The relay's word on a connected remote: it has not answered a read for
   * a while (since `since`, the read's asking), or it answers again
   * (undefined). Shown as unreachable since then, with why.
   */
  notAnswering(since: string | undefined): void {
    if (since === this.#notAnsweringSince) return;
    this.#notAnsweringSince = since;
    if (this.state === 'connected') this.#onChange();
  }

  #closeClient(): void {
    this.#notAnsweringSince = undefined;
    clearInterval(this.#health);
    this.#health = undefined;
    const client = this.client;
    this.client = undefined;
    this.#socket = undefined;
    client?.close();
  }

  /** The link (ssh, or the agent behind it) is gone: unreachable, and retried with backoff. */
  #lost(reason: string): void {
    if (this.#stopped || this.state !== 'connected') return;
    this.#log.warn(`Remote ${this.target.name} dropped: ${reason}`);
    this.#closeClient();
    this.#stopMaster();
    this.#set('unreachable', `connection lost: ${reason}`);
    this.#listener()?.down(this.target.name);
    this.#retry();
  }

  /** The remote agent's port, starting it when it is installed but stopped. */
  async #remoteAgentPort(): Promise<number> {
    const status = async () => {
      const result = await run(remoteCommandArgs(this.target, this.path, 'ff-agent status --json'));
      if (result.code === 127 || /ff-agent: (command )?not found/.test(result.stderr))
        throw new RemoteError(
          `ff is not installed on ${this.target.name} (no \`ff-agent\` on the PATH of its ssh sessions). Install it there: Node.js 22+, git, then \`npm install -g ff-agent\` (or the ff-agent-<version>.tgz from \`npm pack\`), and try again.`,
        );
      const answer = parseAgentStatus(result.stdout);
      if (!answer)
        throw new RemoteError(
          `\`ff-agent status --json\` on ${this.target.name} printed no status: ${sshErrorLine(result.stderr || result.stdout)}`,
        );
      return answer;
    };
    let answer = await status();
    if (!answer.running) {
      this.#log.info(`Starting ff-agent on ${this.target.name}`);
      const started = await run(remoteCommandArgs(this.target, this.path, 'ff-agent serve --detach'), 30_000);
      if (started.code !== 0)
        throw new RemoteError(
          `ff-agent is installed on ${this.target.name} but did not start: ${sshErrorLine(started.stderr || started.stdout)}`,
        );
      answer = await status();
    }
    if (!answer.running || !answer.port)
      throw new RemoteError(
        `ff-agent on ${this.target.name} is not running after \`ff-agent serve --detach\`.`,
      );
    return answer.port;
  }

  /** Pairs over the ssh channel: a code from the remote's own CLI, redeemed through the tunnel for its token. */
  async pair(): Promise<string> {
    if (this.localPort === undefined || this.remotePort === undefined) throw new RemoteError('not connected');
    const result = await run(remoteCommandArgs(this.target, this.path, 'ff-agent pair --json'));
    const code = result.code === 0 ? parsePairingCode(result.stdout) : undefined;
    if (!code)
      throw new RemoteError(
        `\`ff-agent pair\` on ${this.target.name} failed: ${sshErrorLine(result.stderr || result.stdout)}`,
      );
    const { client } = await connectThroughTunnel(this.localPort, this.remotePort, { pairingCode: code });
    const token = client.welcome.token;
    this.remoteVersion = client.welcome.agentVersion;
    client.close();
    if (!token) throw new RemoteError(`The agent on ${this.target.name} paired but handed no token.`);
    this.token = token;
    return token;
  }

  /** A status round trip through the tunnel, in ms. */
  async probe(): Promise<number | undefined> {
    if (this.state !== 'connected' || !this.token || !this.localPort || !this.remotePort) return undefined;
    try {
      const { client } = await connectThroughTunnel(this.localPort, this.remotePort, { token: this.token });
      try {
        const started = performance.now();
        await client.call('status');
        this.lastSeenAt = new Date().toISOString();
        return Math.round((performance.now() - started) * 10) / 10;
      } finally {
        client.close();
      }
    } catch (error) {
      this.#log.warn(`Probe of ${this.target.name} failed: ${errorText(error)}`);
      return undefined;
    }
  }

  /** Keeps the link up: connects now and after every drop, with backoff. */
  keepUp(): void {
    if (this.#stopped) return;
    this.connect().catch((error: Error) => {
      this.#log.warn(`Remote ${this.target.name}: ${error.message}`);
      this.#closeClient();
      this.#stopMaster();
      this.#set('unreachable', error.message);
      this.#retry();
    });
  }

  #onDrop(reason: string): void {
    this.#master = undefined;
    this.#lost(reason);
  }

  #retry(): void {
    if (this.#stopped || this.#timer) return;
    const delay = backoffMs(this.#attempt++);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.keepUp();
    }, delay);
    this.#timer.unref?.();
  }

  #stopMaster(): void {
    const master = this.#master;
    this.#master = undefined;
    if (master && master.exitCode === null) master.kill('SIGTERM');
  }

  /** Ends the master (and so the forward); the remote agent keeps running. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const wasUp = this.client !== undefined;
    this.#closeClient();
    if (wasUp) this.#listener()?.down(this.target.name);
    await run(controlArgs(this.target, this.path, 'exit'), 5_000);
    this.#stopMaster();
  }

  view(latencyMs = this.state === 'connected' ? this.latencyMs : undefined): RemoteView {
    const { name, destination, port, identity, options } = this.target;
    // Connected but not answering is out of reach all the same: what the user sees is the last known lists.
    const slow = this.state === 'connected' ? this.#notAnsweringSince : undefined;
    return {
      name,
      destination,
      ...(port ? { port } : {}),
      ...(identity ? { identity } : {}),
      options,
      state: slow ? 'unreachable' : this.state,
      since: slow ?? this.since,
      ...(slow ? { error: NOT_ANSWERING } : this.error ? { error: this.error } : {}),
      ...(this.state === 'connected' && this.localPort ? { localPort: this.localPort } : {}),
      ...(this.remoteVersion ? { agentVersion: this.remoteVersion } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(this.lastSeenAt ? { lastSeenAt: this.lastSeenAt } : {}),
    };
  }
}
