import { resolve } from 'node:path';
import { RemoteAddParams, type RemoteView } from '../../shared/protocol.js';
import type { HomePaths } from '../store/home.js';
import { CliError, withAgent } from './connect.js';
import { print, say } from './output.js';
import { formatDuration } from './status.js';

/** One line per remote: its state and since when — pure. */
export function formatRemotes(remotes: RemoteView[], now = Date.now()): string {
  if (remotes.length === 0) return 'No remotes. Add one with `ff-agent remote add <name> <user@host>`.\n';
  return remotes
    .map((r) => {
      const age = formatDuration(Math.max(0, now - Date.parse(r.since)));
      const state =
        r.state === 'connected'
          ? `connected (ff-agent ${r.agentVersion ?? '?'}, 127.0.0.1:${r.localPort})`
          : r.state === 'unreachable'
            ? `unreachable since ${r.since} (${age} ago)${r.error ? `: ${r.error}` : ''}`
            : 'connecting';
      return `${r.name}  ${r.destination}${r.port ? `:${r.port}` : ''}  ${state}\n`;
    })
    .join('');
}

export async function remoteAdd(
  paths: HomePaths,
  name: string,
  destination: string,
  options: { port?: number; identity?: string; option?: string[]; json?: boolean },
): Promise<void> {
  const parsed = RemoteAddParams.safeParse({
    name,
    destination,
    ...(options.port ? { port: options.port } : {}),
    ...(options.identity ? { identity: resolve(options.identity) } : {}),
    options: options.option ?? [],
  });
  if (!parsed.success) throw new CliError(`ff-agent: ${parsed.error.issues[0]?.message ?? 'bad arguments'}.`);
  await withAgent(paths, async (client) => {
    const remote = await client.call('remote.add', parsed.data);
    if (options.json) return print(remote, 0);
    say(
      `Added ${remote.name}: connected to ff-agent ${remote.agentVersion ?? '?'} on ${remote.destination}, paired (its token is kept in ${paths.root}/remotes.json).\n`,
    );
  });
}

export async function remoteList(
  paths: HomePaths,
  options: { json?: boolean; probe?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const remotes = await client.call('remote.list', options.probe ? { probe: true } : {});
    options.json ? print(remotes, 0) : say(formatRemotes(remotes));
  });
}

export async function remoteRemove(
  paths: HomePaths,
  name: string,
  options: { json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const { removed } = await client.call('remote.remove', { name });
    if (options.json) return print(removed, 0);
    say(
      `Removed ${removed.name}: its ssh connection is closed; ff-agent on ${removed.destination} keeps running with its workspaces.\n`,
    );
  });
}
