import type { HandlerTable } from '../server/handlers.js';
import type { RemoteLinks } from './remote-links.js';

/** `remote.*`: agents on other machines, reached over ssh. */
export function remoteHandlers(remotes: RemoteLinks) {
  return {
    'remote.add': (params) => remotes.add(params),
    'remote.list': (params) => remotes.list(params?.probe),
    'remote.remove': (params) => remotes.remove(params.name),
  } satisfies HandlerTable;
}
