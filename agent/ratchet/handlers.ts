import type { HandlerTable } from '../server/handlers.js';
import type { Ratchet } from './ratchet.js';

/** `ratchet.*`: the PR ratchet's ticks, status, decisions and settings. */
export function ratchetHandlers(ratchet: Ratchet) {
  return {
    'ratchet.tick': () => ratchet.tick(),
    'ratchet.status': () => ratchet.status(),
    'ratchet.pause': (params) => ratchet.setPaused(params.workspaceId, params.paused),
    'ratchet.decisions': (params) => ratchet.decisions(params.workspaceId, params.limit),
    'ratchet.settings.get': (params) => ratchet.getSettings(params?.project),
    'ratchet.settings.set': (params) => ratchet.setSettings(params.patch, params.project),
  } satisfies HandlerTable;
}
