import type { StatusResult } from '../../shared/protocol.js';
import type { HomePaths } from '../store/home.js';
import { CliError, connectToAgent, notRunningMessage } from './connect.js';
import { say } from './output.js';

export function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days) return `${days}d ${hours}h`;
  if (hours) return `${hours}h ${minutes}m`;
  if (minutes) return `${minutes}m ${seconds}s`;
  return `${seconds}s`;
}

export function formatStatus(status: StatusResult): string {
  const c = status.counts;
  return [
    `ff-agent ${status.agentVersion} is running`,
    `  pid      ${status.pid}`,
    `  address  ws://127.0.0.1:${status.port}`,
    `  home     ${status.home}`,
    `  uptime   ${formatDuration(status.uptimeMs)}`,
    `  ${c.projects} projects, ${c.workspaces} workspaces, ${c.sessions} sessions, ${c.clients} clients connected`,
    ...(status.lastExtensionVersion
      ? [`  extension ${status.lastExtensionVersion}, last connected ${status.lastExtensionSeenAt}`]
      : []),
    ...(status.extensionNotice ? [`! ${status.extensionNotice}`] : []),
    '',
  ].join('\n');
}

/** `ff-agent status [--json]`. */
export async function status(paths: HomePaths, options: { json?: boolean }): Promise<void> {
  let client: Awaited<ReturnType<typeof connectToAgent>>;
  try {
    client = await connectToAgent(paths);
  } catch (error) {
    if (options.json && error instanceof CliError) {
      say(`${JSON.stringify({ running: false, home: paths.root, message: notRunningMessage(paths) })}\n`);
      throw new CliError('', 1);
    }
    throw error;
  }
  try {
    const result = await client.call('status');
    say(options.json ? `${JSON.stringify({ running: true, ...result })}\n` : formatStatus(result));
  } finally {
    client.close();
  }
}
