import type { SessionView, WorkspaceView } from '../../shared/domain.js';
import type { QuickAction } from '../../shared/protocol.js';

/**
 * What the popup showed last (the workspace list, the quick actions, the
 * selected workspace's sessions and which one was open), in the extension's
 * localStorage: a reopened popup paints it synchronously, before the port
 * to the background or the agent answers, then replaces it with what the
 * agent says. A snapshot that is unreadable or of another shape is ignored
 * (the popup waits for the agent, as it would without a cache).
 */
export interface PopupSnapshot {
  workspaces: WorkspaceView[];
  actions: QuickAction[];
  sessions: SessionView[];
  selection?: { workspaceId: string; sessionId?: string };
}

const KEY = 'ff.popup.snapshot';

/**
 * The snapshot, whatever storage holds: its lists must be lists and its
 * selection ids strings, or it is no snapshot. The lists' items are what
 * this module wrote from the agent's answers, which the worker checked
 * against their schemas; checking them again would load zod into the first
 * paint, which `npm run bench` keeps small.
 */
export function readPopupSnapshot(storage: Storage = localStorage): PopupSnapshot | undefined {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(KEY) ?? 'null');
    if (!isRecord(parsed) || !Array.isArray(parsed.workspaces)) return undefined;
    const chosen = isRecord(parsed.selection) ? parsed.selection : {};
    const selection =
      typeof chosen.workspaceId === 'string'
        ? {
            workspaceId: chosen.workspaceId,
            ...(typeof chosen.sessionId === 'string' ? { sessionId: chosen.sessionId } : {}),
          }
        : undefined;
    return {
      workspaces: parsed.workspaces,
      actions: Array.isArray(parsed.actions) ? parsed.actions : [],
      sessions: Array.isArray(parsed.sessions) ? parsed.sessions : [],
      ...(selection ? { selection } : {}),
    };
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function writePopupSnapshot(snapshot: PopupSnapshot, storage: Storage = localStorage): void {
  try {
    storage.setItem(KEY, JSON.stringify(snapshot));
  } catch {
    // Over quota: the next popup waits for the agent's list, as without a cache.
  }
}
