import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { type AgentFile, readAgentFile } from '../../agent/store/agent-file.js';
import { resolveHome } from '../../agent/store/home.js';
import { isProcessAlive } from '../../agent/store/instance-lock.js';
import { AgentClient } from '../../shared/agent-client.js';
import { waitFor } from './temp.js';

export const repoRoot = join(import.meta.dirname, '..', '..');

/** Who a spawned agent or CLI runs as (tests that need an unprivileged user, see `unprivilegedUser`). */
export interface ProcessUser {
  uid: number;
  gid: number;
}

/**
 * File permissions only bind a user without root: as root, tests run the
 * agent as `nobody` (the home given to it with chown); otherwise as themselves.
 */
export function unprivilegedUser(): ProcessUser | undefined {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
}
export const cliPath = join(repoRoot, 'dist', 'agent', 'cli', 'main.js');

export interface AgentProcess {
  proc: ChildProcess;
  home: string;
  port: number;
  token: string;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, no goodbye. */
  kill(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built `ff-agent serve` as users do and waits until it listens. */
export async function spawnAgent(
  home: string,
  {
    args = ['--port', '0'],
    env = {},
    nodeArgs = [],
    user,
  }: { args?: string[]; env?: Record<string, string>; nodeArgs?: string[]; user?: ProcessUser } = {},
): Promise<AgentProcess> {
  const proc = spawn(process.execPath, [...nodeArgs, cliPath, 'serve', ...args], {
    env: { ...process.env, ...offlineClaudeEnv(home), FF_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user,
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  proc.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const info = await waitFor(
    () => {
      if (dead) throw new Error(`ff-agent exited early: ${err || out}`);
      const file = readAgentFile(resolveHome(home));
      return file?.pid === proc.pid && out.includes('listening') ? file : undefined;
    },
    // Bounded, not timed: start-up fsyncs state.json before it listens, which a disk busy with a
    // parallel suite's browsers and repos can hold for seconds (500 workspaces start in 0.3 s idle).
    { what: 'ff-agent to listen', timeoutMs: 30_000 },
  );
  return {
    proc,
    home,
    port: info.port,
    token: info.token,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (!dead) proc.kill('SIGTERM');
      return (await exited).code;
    },
    async kill() {
      if (!dead) proc.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Tests run with node_modules/.bin on PATH, so a real `claude` would be
 * found. Unless a test brings its own (the fake Anthropic API world), none
 * is used, and if one ever ran it could only reach a closed loopback port.
 */
export function offlineClaudeEnv(home: string): Record<string, string> {
  return {
    // Same for GitHub: no token from the developer's environment, no real API, no minute-by-minute ticks.
    GITHUB_TOKEN: '',
    GH_TOKEN: '',
    GH_ENTERPRISE_TOKEN: '',
    GITHUB_ENTERPRISE_TOKEN: '',
    FF_GITHUB_API_URL: 'http://127.0.0.1:9',
    FF_GITHUB_API_URLS: '',
    // An empty gh config: `gh auth token` (when gh is installed) finds no login either.
    GH_CONFIG_DIR: join(home, 'no-gh-config'),
    FF_RATCHET_CRON: 'off',
    FF_CLAUDE_BIN: join(home, 'no-claude-in-this-test'),
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    ANTHROPIC_API_KEY: 'sk-ant-test-offline',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
}

/** A process's resident memory, in MB (Linux). */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line?.[1] ?? 0) / 1024;
}

export function agentFileOf(home: string): AgentFile | undefined {
  return readAgentFile(resolveHome(home));
}

/** Connects like the CLI: no Origin, token from agent.json. */
export function connectClient(
  agent: { port: number; token: string },
  /** How long a call may wait for its answer (default: the client's 30 s). */
  options: { requestTimeoutMs?: number } = {},
): Promise<AgentClient> {
  return AgentClient.connect(() => new WebSocket(`ws://127.0.0.1:${agent.port}`), {
    token: agent.token,
    client: { name: 'test', version: '0' },
    ...options,
  });
}

/** Runs the CLI to completion (as `user` when given; killed after `timeoutMs` when given). */
export function runCli(
  args: string[],
  env: Record<string, string>,
  {
    user,
    timeoutMs,
    script = cliPath,
    nodeArgs = [],
    cwd,
  }: {
    user?: ProcessUser;
    timeoutMs?: number;
    /** Another entry (e.g. the TypeScript source) and node flags (e.g. `--import tsx`). */
    script?: string;
    nodeArgs?: string[];
    /** The folder the user runs it in (default: the test's). */
    cwd?: string;
  } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [...nodeArgs, script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
      ...user,
      ...(timeoutMs ? { timeout: timeoutMs, killSignal: 'SIGKILL' as const } : {}),
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c) => {
      stdout += c;
    });
    proc.stderr.on('data', (c) => {
      stderr += c;
    });
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Stops an agent this test did not spawn itself (started detached) and waits until it is gone. */
export async function stopDetachedAgent(home: string): Promise<void> {
  const pid = agentFileOf(home)?.pid;
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  await waitFor(() => !isProcessAlive(pid), { what: `agent ${pid} to stop`, timeoutMs: 10_000 });
}
