import { describe, expect, it } from 'vitest';
import { readPopupSnapshot, writePopupSnapshot } from '../../../extension/lib/popup-cache.js';
import { workspaceView } from '../../helpers/workspace-view.js';

function storage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    key: (i) => [...items.keys()][i] ?? null,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
    clear: () => items.clear(),
  };
}

describe('the popup snapshot', () => {
  it('reads back what the popup showed last', () => {
    const s = storage();
    const snapshot = {
      workspaces: [workspaceView()],
      actions: [],
      sessions: [],
      selection: { workspaceId: 'w1', sessionId: 's1' },
    };
    writePopupSnapshot(snapshot, s);
    expect(readPopupSnapshot(s)).toEqual(snapshot);
  });

  it.each([
    ['nothing stored', undefined],
    ['garbage', '{nope'],
    ['a list where the snapshot belongs', '[]'],
    ['a snapshot without its workspace list', JSON.stringify({ actions: [] })],
  ])('is none for %s (the popup waits for the agent)', (_name, stored) => {
    const s = storage();
    if (stored !== undefined) s.setItem('ff.popup.snapshot', stored);
    expect(readPopupSnapshot(s)).toBeUndefined();
  });

  it('drops a selection or list of another shape, keeping the rest', () => {
    const s = storage();
    s.setItem(
      'ff.popup.snapshot',
      JSON.stringify({
        workspaces: [],
        actions: 'none',
        sessions: {},
        selection: { workspaceId: 7, sessionId: 's' },
      }),
    );
    expect(readPopupSnapshot(s)).toEqual({ workspaces: [], actions: [], sessions: [] });
    s.setItem(
      'ff.popup.snapshot',
      JSON.stringify({ workspaces: [], selection: { workspaceId: 'w1', sessionId: 2 } }),
    );
    expect(readPopupSnapshot(s)?.selection).toEqual({ workspaceId: 'w1' });
  });
});
