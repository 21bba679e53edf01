import type { HandlerTable } from '../server/handlers.js';
import type { Boards } from './boards.js';

/** `board.*`: a project's kanban board, from GitHub and ff's workspaces. */
export function boardHandlers(boards: Boards) {
  return {
    'board.get': (params) => boards.get(params.project, params),
    'board.refresh': (params) => boards.get(params.project, { ...params, refresh: true }),
  } satisfies HandlerTable;
}
