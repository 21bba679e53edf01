import type { HandlerTable } from '../server/handlers.js';
import type { StateStore } from './state-store.js';

/** `settings.get` / `settings.set`: the agent-wide settings kept in state. */
export function settingsHandlers(state: StateStore) {
  return {
    'settings.get': () => state.data.settings,
    'settings.set': async (patch) => {
      await state.update((draft) => {
        draft.settings = { ...draft.settings, ...patch };
      });
      return state.data.settings;
    },
  } satisfies HandlerTable;
}
