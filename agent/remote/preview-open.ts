import type { AgentClient } from '../../shared/agent-client.js';
import type { Preview, WorkspaceView } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import type { MethodHandlers } from '../server/agent-server.js';
import type { HandlerTable } from '../server/handlers.js';
import type { PreviewForwards, StillPreview } from './preview-forwards.js';
import type { OwnerRef } from './route.js';

/** How long a remote may take to say what its workspace's previews are. */
export const REMOTE_PREVIEWS_TIMEOUT_MS = 10_000;

/**
 * The preview of `workspace` on `port`, or why it is refused — pure. Only a
 * port the workspace's own processes listen on opens: ff is no general
 * port forwarder.
 */
export function previewOn(
  workspace: Pick<WorkspaceView, 'id' | 'status' | 'previews'>,
  port: number,
  machine: string,
): Preview {
  const where = machine === 'local' ? '' : ` on ${machine}`;
  if (workspace.status !== 'ready')
    throw new AgentError(
      'FAILED_PRECONDITION',
      `Workspace ${workspace.id}${where} is ${workspace.status}: only a ready workspace has previews.`,
    );
  const previews = workspace.previews ?? [];
  const preview = previews.find((p) => p.port === port);
  if (preview) return preview;
  const listed = previews.length
    ? `its previews are ${previews.map((p) => p.port).join(', ')}`
    : `nothing it started listens on a port (start its app: \`ff-agent workspace run ${workspace.id}\`)`;
  throw new AgentError(
    'FAILED_PRECONDITION',
    `Port ${port} is not a preview of workspace ${workspace.id}${where}: ${listed}. ff opens only the ports a workspace's processes listen on.`,
  );
}

/** What `preview.open` needs of the agent. */
export interface PreviewDeps {
  /** A workspace of this machine, with its previews now (throws NOT_FOUND). */
  localWorkspace: (id: string) => Promise<WorkspaceView>;
  /** Which machine owns the workspace (the relay's routing). */
  ownerOf: (ref: OwnerRef) => Promise<string>;
  /** A connected remote's agent, or why it cannot be asked. */
  remoteClient: (machine: string) => AgentClient;
  forwards: PreviewForwards;
}

/** A remote's answer, or TIMEOUT after `ms`: a remote that accepts and never answers must not hold the open. */
async function answerWithin<T>(machine: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AgentError(
            'TIMEOUT',
            `${machine} did not say what its workspace listens on within ${ms / 1000} s.`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `preview.open`: a URL this machine's browser opens for the workspace's preview on `port`. */
export async function openPreview(
  deps: PreviewDeps,
  params: { workspaceId: string; port: number },
): Promise<{ url: string }> {
  const { workspaceId, port } = params;
  const machine = await deps.ownerOf({ kind: 'workspace', id: workspaceId });
  if (machine === 'local')
    return { url: previewOn(await deps.localWorkspace(workspaceId), port, machine).url };
  // Asked now, not from the remote's last known lists: the port must be listening there at this moment.
  const client = deps.remoteClient(machine);
  const workspace = await answerWithin(
    machine,
    client.call('workspace.get', { workspaceId }),
    REMOTE_PREVIEWS_TIMEOUT_MS,
  );
  previewOn(workspace, port, machine);
  return { url: await deps.forwards.open(machine, workspaceId, port) };
}

/**
 * The forwards' periodic check, asked of the remote: the workspace is
 * ready there and the port one of its previews. Gone (NOT_FOUND) is no;
 * an unreachable or slow remote cannot say.
 */
export function stillPreviewOn(remoteClient: (machine: string) => AgentClient): StillPreview {
  return async ({ remote, workspaceId, port }) => {
    try {
      const call = remoteClient(remote).call('workspace.get', { workspaceId });
      const workspace = await answerWithin(remote, call, REMOTE_PREVIEWS_TIMEOUT_MS);
      return workspace.status === 'ready' && (workspace.previews ?? []).some((p) => p.port === port);
    } catch (error) {
      return error instanceof AgentError && error.code === 'NOT_FOUND' ? false : undefined;
    }
  };
}

export function previewHandlers(deps: PreviewDeps) {
  return {
    'preview.open': (params) => openPreview(deps, params),
  } satisfies HandlerTable;
}

/**
 * The agent's handlers, with a remote's forwards closed once it is removed
 * and a workspace's once it is archived (through this agent: the remote's
 * own archive is left to the idle sweep).
 */
export function closingForwards(handlers: MethodHandlers, forwards: PreviewForwards): MethodHandlers {
  const archive = handlers['workspace.archive'];
  const remove = handlers['remote.remove'];
  return {
    ...handlers,
    'workspace.archive': async (params, context) => {
      const archived = await archive(params, context);
      await forwards.closeWorkspace(params.workspaceId);
      return archived;
    },
    'remote.remove': async (params, context) => {
      const removed = await remove(params, context);
      await forwards.closeRemote(params.name);
      return removed;
    },
  };
}
