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

export function readPopupSnapshot(storage: Storage = localStorage): PopupSnapshot | undefined {
  try {
    const parsed = JSON.parse(storage.getItem(KEY) ?? 'null') as Partial<PopupSnapshot> | null;
    if (!parsed || !Array.isArray(parsed.workspaces)) return undefined;
    const selection =
      parsed.selection && typeof parsed.selection.workspaceId === 'string'
        ? {
            workspaceId: parsed.selection.workspaceId,
            ...(typeof parsed.selection.sessionId === 'string'
              ? { sessionId: parsed.selection.sessionId }
              : {}),
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

export function writePopupSnapshot(snapshot: PopupSnapshot, storage: Storage = localStorage): void {
  try {
    storage.setItem(KEY, JSON.stringify(snapshot));
  } catch {
    // Over quota: the next popup waits for the agent's list, as without a cache.
  }
}
