#!/usr/bin/env node
/**
 * ff's native messaging host: the browser starts it (one process per
 * request or port) and it answers with how to reach the agent — port and
 * token — starting the agent first when asked. Only the extension ids in
 * its manifest can start it; the browser checks that.
 */
import { join } from 'node:path';
import { reachableAgent, startAgentDetached } from '../agent/login/start-detached.js';
import { readAgentFile } from '../agent/store/agent-file.js';
import { resolveHome } from '../agent/store/home.js';
import { describeForeign } from '../shared/bounded-json.js';
import { encodeReply, MessageReader } from './framing.js';

const paths = resolveHome();

function reply(message: unknown): void {
  process.stdout.write(encodeReply(message));
}

async function getConnection(): Promise<unknown> {
  const live = await reachableAgent(paths);
  if (live) return { ok: true, running: true, ...live };
  const info = readAgentFile(paths);
  return {
    ok: true,
    running: false,
    port: info?.port ?? null,
    token: info?.token ?? null,
    agentVersion: null,
  };
}

/** Starts the agent (detached, logging to FF_HOME/logs/) unless it runs, then answers like getConnection. */
async function ensureAgent(): Promise<unknown> {
  const live = await startAgentDetached(paths);
  if (live) return { ok: true, running: true, ...live };
  return { ok: false, error: `ff-agent did not start; see ${join(paths.logs, 'agent-start.log')}` };
}

async function handle(message: unknown): Promise<unknown> {
  const type =
    typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  if (type === 'getConnection') return getConnection();
  if (type === 'ensureAgent') return ensureAgent();
  return {
    ok: false,
    error: `unknown request ${describeForeign(type ?? null)}; expected getConnection or ensureAgent`,
  };
}

const reader = new MessageReader();
let queue = Promise.resolve();
process.stdin.on('data', (chunk: Buffer) => {
  for (const decoded of reader.push(chunk)) {
    if ('error' in decoded) {
      reply({ ok: false, error: decoded.error });
      if (decoded.fatal) process.exit(1);
      continue;
    }
    queue = queue
      .then(() => handle(decoded.message))
      .then(reply, (error: unknown) =>
        reply({ ok: false, error: error instanceof Error ? error.message : 'the request failed' }),
      )
      // Never an unhandled rejection (which would end the host): the next message is still answered.
      .catch(() => {});
  }
});
// The browser closes stdin when it is done with us; a half message is dropped, never waited for.
process.stdin.on('end', () => {
  void queue.then(() => process.exit(0));
});
