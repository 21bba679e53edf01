import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { errorText } from '../../shared/error-text.js';
import { RemoteTarget } from '../../shared/protocol.js';
import { writeFileAtomic } from '../store/atomic-file.js';

/**
 * `remotes.json` in ff's home: the remotes `remote add` set up, with each
 * remote agent's token. Mode 0600, on this machine only — a remote never
 * learns another host's token.
 */
export const RemoteRecord = z.lazy(() =>
  RemoteTarget.unwrap().extend({
    token: z.string().min(1),
    addedAt: z.string(),
  }),
);
export type RemoteRecord = z.infer<typeof RemoteRecord>;
const RemotesFile = z.lazy(() => z.object({ remotes: z.array(RemoteRecord) }));

export function remotesFilePath(homeRoot: string): string {
  return join(homeRoot, 'remotes.json');
}

/** The saved remotes; none when the file is missing. A damaged file is an error, never an empty list. */
export function readRemotes(homeRoot: string): RemoteRecord[] {
  let text: string;
  try {
    text = readFileSync(remotesFilePath(homeRoot), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const damaged = (why: string) =>
    new Error(`${remotesFilePath(homeRoot)} is damaged (${why}); fix or move it.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw damaged(`not JSON: ${errorText(error)}`);
  }
  const parsed = RemotesFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw damaged(`${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data.remotes;
}

export function writeRemotes(homeRoot: string, remotes: RemoteRecord[]): void {
  writeFileAtomic(remotesFilePath(homeRoot), `${JSON.stringify({ remotes }, null, 2)}\n`, 0o600);
}
