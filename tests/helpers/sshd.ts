import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { readAgentFile } from '../../agent/store/agent-file.js';
import { resolveHome } from '../../agent/store/home.js';
import { isProcessAlive } from '../../agent/store/instance-lock.js';
import type { RemoteAddParams } from '../../shared/protocol.js';
import { cliPath } from './agent-process.js';
import { waitFor } from './temp.js';

export const SSHD = '/usr/sbin/sshd';
/** Why the real-sshd tests cannot run here, or undefined when they can. */
export function sshdMissing(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} is missing: install openssh-server (\`.ci/run\` does)`;
  try {
    execFileSync('ssh', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'the ssh client is missing: install openssh-client';
  }
  return undefined;
}

export interface Sshd {
  port: number;
  proc: ChildProcess;
  /** The "remote" machine's ff home (sshd's SetEnv gives it to every session). */
  remoteHome: string;
  identity: string;
  /** The remote's ff-agent on its PATH (rename it to play a host without ff). */
  ffAgentBin: string;
  /** `-o` options the client needs for this throwaway server. */
  clientOptions: string[];
  /** `remote add <name> …` for this server: what a user would type, as CLI arguments. */
  remoteAddArgs(name: string): string[];
  /** The same as `remote.add` params, for a client of the local agent. */
  remoteAddParams(name: string): RemoteAddParams;
  /** Cuts every established connection, as a network drop would (the listener stays). */
  cutConnections(): void;
  stop(): Promise<void>;
  /** The end of a test: stops the remote's ff-agent (started through ssh, so no child of the test), cuts connections, stops sshd. */
  close(): Promise<void>;
  /** Starts it again on the same port after `stop` (the host comes back). */
  restart(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A real sshd on 127.0.0.1 for one test: temp host key, temp authorized key,
 * and a "remote" whose sessions find this checkout's built ff-agent and their
 * own FF_HOME (via SetEnv), offline (no GitHub, no ratchet ticks).
 */
export async function startSshd(
  dir: string,
  /** More environment for the remote's sessions (no spaces in values: sshd's SetEnv splits on them). */
  extraEnv: Record<string, string> = {},
): Promise<Sshd> {
  const bin = join(dir, 'bin');
  const remoteHome = join(dir, 'remote-home');
  mkdirSync(bin, { recursive: true });
  mkdirSync(remoteHome, { recursive: true });
  mkdirSync('/run/sshd', { recursive: true });
  writeFileSync(join(bin, 'ff-agent'), `#!/bin/sh\nexec ${process.execPath} ${cliPath} "$@"\n`, {
    mode: 0o755,
  });
  const hostKey = join(dir, 'host_key');
  const identity = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', identity]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${identity}.pub`));
  const port = await freePort();
  // One entry per name, extraEnv's winning: with a name given twice, sshd's SetEnv keeps the first.
  const env = Object.entries({
    FF_HOME: remoteHome,
    PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
    FF_PORT: '0',
    FF_RATCHET_CRON: 'off',
    GITHUB_TOKEN: '',
    GH_TOKEN: '',
    FF_GITHUB_API_URL: 'http://127.0.0.1:9',
    GH_CONFIG_DIR: join(remoteHome, 'no-gh-config'),
    ...extraEnv,
  }).map(([key, value]) => `${key}=${value}`);
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'AllowTcpForwarding yes',
      'AllowStreamLocalForwarding yes',
      `PidFile ${join(dir, 'sshd.pid')}`,
      `SetEnv ${env.join(' ')}`,
      '',
    ].join('\n'),
  );
  const launch = async (): Promise<ChildProcess> => {
    const proc = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    await waitFor(
      () => {
        if (proc.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
        return new Promise<boolean>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.destroy();
            resolve(true);
          });
          socket.on('error', () => resolve(false));
        });
      },
      { what: 'sshd to listen' },
    );
    return proc;
  };
  let proc = await launch();
  const children = () =>
    execFileSync('pgrep', ['-P', String(sshd.proc.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  const sshd: Sshd = {
    port,
    proc,
    remoteHome,
    identity,
    ffAgentBin: join(bin, 'ff-agent'),
    clientOptions: [
      `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
      'StrictHostKeyChecking=accept-new',
      'GlobalKnownHostsFile=/dev/null',
    ],
    remoteAddArgs(name) {
      const { destination, options } = this.remoteAddParams(name);
      return [
        'remote',
        'add',
        name,
        destination,
        '--port',
        String(port),
        '--identity',
        identity,
        ...(options ?? []).flatMap((o) => ['-o', o]),
      ];
    },
    remoteAddParams(name) {
      return { name, destination: 'root@127.0.0.1', port, identity, options: this.clientOptions };
    },
    cutConnections() {
      let pids: number[] = [];
      try {
        pids = children();
      } catch {} // pgrep exits 1 when there are none
      for (const pid of pids)
        try {
          process.kill(pid, 'SIGKILL');
        } catch {} // a connection that ended since pgrep listed it
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((resolve) => proc.once('exit', resolve));
      }
    },
    async close() {
      // The remote agent writes its last backups as it stops: its home is removed only once it is gone.
      const pid = readAgentFile(resolveHome(remoteHome))?.pid;
      if (pid && isProcessAlive(pid)) {
        process.kill(pid, 'SIGTERM');
        const gone = await waitFor(() => !isProcessAlive(pid), {
          what: 'the remote agent to stop',
          timeoutMs: 15_000,
        }).catch(() => false);
        if (!gone) process.kill(pid, 'SIGKILL');
        await waitFor(() => !isProcessAlive(pid), { what: 'the remote agent to be killed' });
      }
      sshd.cutConnections();
      await sshd.stop();
    },
    async restart() {
      proc = await launch();
      sshd.proc = proc;
    },
  };
  return sshd;
}
