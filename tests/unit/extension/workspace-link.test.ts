import { describe, expect, it } from 'vitest';
import { readWorkspacePagePath, workspacePagePath } from '../../../extension/lib/workspace-link.js';

describe('the workspace page address', () => {
  it.each([
    ['w1', undefined, '/workspace.html#w1'],
    ['w1', 's1', '/workspace.html?session=s1#w1'],
    ['w 1', 's&1', '/workspace.html?session=s%261#w%201'],
  ])('%s, %s → %s, and back', (workspaceId, sessionId, path) => {
    expect(workspacePagePath(workspaceId, sessionId)).toBe(path);
    const url = new URL(`chrome-extension://x${path}`);
    expect(readWorkspacePagePath(url)).toEqual({ workspaceId, ...(sessionId ? { sessionId } : {}) });
  });
});
