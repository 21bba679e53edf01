import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { AgentClient } from '../../shared/agent-client.js';
import { readAgentFile } from '../store/agent-file.js';
import type { HomePaths } from '../store/home.js';
import { isProcessAlive } from '../store/instance-lock.js';
import { agentVersion, packageRoot } from '../version.js';

export interface Reachable {
  port: number;
  token: string;
  agentVersion: string;
}

/** Whether the agent of this home runs and accepts its own token. */
export async function reachableAgent(paths: HomePaths, timeoutMs = 2_000): Promise<Reachable | undefined> {
  const info = readAgentFile(paths);
  if (!info?.pid || !isProcessAlive(info.pid)) return undefined;
  try {
    const client = await AgentClient.connect(() => new WebSocket(`ws://127.0.0.1:${info.port}`), {
      token: info.token,
      client: { name: 'ff-agent-probe', version: agentVersion },
      timeoutMs,
    });
    const version = client.welcome.agentVersion;
    client.close();
    return { port: info.port, token: info.token, agentVersion: version };
  } catch {
    return undefined;
  }
}

/**
 * Starts `ff-agent serve` in the background (detached, output to
 * logs/agent-start.log) unless it already runs, and waits until it answers.
 */
export async function startAgentDetached(paths: HomePaths, waitMs = 15_000): Promise<Reachable | undefined> {
  const live = await reachableAgent(paths);
  if (live) return live;
  mkdirSync(paths.logs, { recursive: true });
  const log = openSync(join(paths.logs, 'agent-start.log'), 'a');
  const child = spawn(process.execPath, [join(packageRoot, 'dist', 'agent', 'cli', 'main.js'), 'serve'], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, FF_HOME: paths.root, FF_LAUNCHED_BY: 'detached' },
    windowsHide: true,
  });
  child.unref();
  for (let waited = 0; waited < waitMs; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = await reachableAgent(paths);
    if (started) return started;
  }
  return undefined;
}
