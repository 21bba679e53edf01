import WebSocket from 'ws';
import { AgentClient, ConnectError } from '../../shared/agent-client.js';
import { readAgentFile } from '../store/agent-file.js';
import type { HomePaths } from '../store/home.js';
import { isProcessAlive } from '../store/instance-lock.js';
import { agentVersion } from '../version.js';

/** A failure the CLI prints as one line and exits 1 with — no stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export function notRunningMessage(paths: HomePaths): string {
  return `ff-agent is not running (home ${paths.root}). Start it with \`ff-agent serve\`, or \`npm start\` in the ff checkout.`;
}

/**
 * Connects to the agent that owns this home, the same way the extension
 * does (hello + token), minus the Origin header that browsers add.
 */
export async function connectToAgent(paths: HomePaths): Promise<AgentClient> {
  const info = readAgentFile(paths);
  if (!info?.pid || !isProcessAlive(info.pid)) throw new CliError(notRunningMessage(paths));
  try {
    return await AgentClient.connect(() => new WebSocket(`ws://127.0.0.1:${info.port}`), {
      token: info.token,
      client: { name: 'ff-agent-cli', version: agentVersion },
      timeoutMs: 5_000,
    });
  } catch (error) {
    if (error instanceof ConnectError && error.reason === 'unreachable')
      throw new CliError(notRunningMessage(paths));
    if (error instanceof ConnectError) throw new CliError(error.message);
    throw error;
  }
}

/** Connects, runs `body`, and always closes the connection. */
export async function withAgent<T>(paths: HomePaths, body: (client: AgentClient) => Promise<T>): Promise<T> {
  const client = await connectToAgent(paths);
  try {
    return await body(client);
  } finally {
    client.close();
  }
}
