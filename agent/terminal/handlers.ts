import type { HandlerTable } from '../server/handlers.js';
import type { Terminals } from './terminals.js';

/** `terminal.*`: shells in a workspace's worktree. */
export function terminalHandlers(terminals: Terminals) {
  return {
    'terminal.open': (params) => terminals.open(params),
    'terminal.input': (params) => {
      terminals.input(params.terminalId, params.data);
      return { ok: true as const };
    },
    'terminal.resize': (params) => terminals.resize(params.terminalId, params.cols, params.rows),
    'terminal.close': (params) => terminals.close(params.terminalId),
    'terminal.list': (params) => terminals.list(params?.workspaceId),
    'workspace.run': (params) => terminals.run(params.workspaceId),
    'workspace.stopRun': (params) => ({ stopped: terminals.stopRun(params.workspaceId) }),
  } satisfies HandlerTable;
}
