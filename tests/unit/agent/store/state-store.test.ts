import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../../agent/store/atomic-file.js';
import {
  migrateState,
  STATE_VERSION,
  StateStore,
  StateVersionError,
} from '../../../../agent/store/state-store.js';
import { tempDir } from '../../../helpers/temp.js';

const cleanups: Array<() => void> = [];
function dir(): string {
  const d = tempDir();
  cleanups.push(d.cleanup);
  return d.path;
}
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('migrateState', () => {
  it.each([
    ['a v0 file without a version', { projects: [] }],
    ['an empty v0 object', {}],
    ['a current file', { version: STATE_VERSION, projects: [], workspaces: [], sessions: [] }],
  ])('upgrades %s to the current version with defaults', (_name, raw) => {
    const state = migrateState(raw);
    expect(state.version).toBe(STATE_VERSION);
    expect(state.settings.defaultPermissionMode).toBe('bypassPermissions');
  });

  it.each([
    ['a newer version', { version: STATE_VERSION + 1 }, /newer ff-agent/],
    ['an array', [], /JSON object/],
    ['null', null, /JSON object/],
    ['a wrong field type', { version: STATE_VERSION, projects: 'nope' }, /does not match/],
  ])('refuses %s with a clear error', (_name, raw, message) => {
    expect(() => migrateState(raw)).toThrow(StateVersionError);
    expect(() => migrateState(raw)).toThrow(message);
  });
});

describe('StateStore', () => {
  it('creates state.json with the schema version and persists updates', async () => {
    const path = join(dir(), 'state.json');
    const store = await StateStore.open(path);
    await store.update((s) => {
      s.settings.defaultPermissionMode = 'ask';
    });
    const onDisk = JSON.parse(readFileSync(path, 'utf8'));
    expect(onDisk.version).toBe(STATE_VERSION);
    expect(onDisk.settings.defaultPermissionMode).toBe('ask');
    const reopened = await StateStore.open(path);
    expect(reopened.data.settings.defaultPermissionMode).toBe('ask');
  });

  it('a burst of updates ends with the last one on disk', async () => {
    const path = join(dir(), 'state.json');
    const store = await StateStore.open(path);
    const writes = [];
    for (let n = 0; n < 200; n++) {
      writes.push(
        store.update((s) => {
          s.settings.allowedExtensionIds = [`id${n}@example.org`];
        }),
      );
    }
    await Promise.all(writes);
    await store.flush();
    expect(JSON.parse(readFileSync(path, 'utf8')).settings.allowedExtensionIds).toEqual([
      'id199@example.org',
    ]);
  });

  it('an unreadable state.json is moved aside, not lost, and the agent starts clean', async () => {
    const root = dir();
    const path = join(root, 'state.json');
    writeFileSync(path, '{"version": 1, "proj');
    const warnings: string[] = [];
    const store = await StateStore.open(path, (w) => warnings.push(w));
    expect(store.data.projects).toEqual([]);
    expect(warnings[0]).toMatch(/moved it to/);
    const aside = readdirSync(root).find((f) => f.startsWith('state.json.unreadable-'));
    expect(aside && readFileSync(join(root, aside), 'utf8')).toBe('{"version": 1, "proj');
  });

  it('a state.json from a newer agent is refused and left untouched', async () => {
    const path = join(dir(), 'state.json');
    writeFileSync(path, JSON.stringify({ version: 99, future: true }));
    await expect(StateStore.open(path)).rejects.toThrow(/newer ff-agent/);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 99, future: true });
  });
});

describe('writeFileAtomic', () => {
  it('writes a secret with mode 0600 and leaves no temp file', () => {
    const root = dir();
    const path = join(root, 'agent.json');
    writeFileAtomic(path, '{"token":"x"}', 0o600);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(root)).toEqual(['agent.json']);
  });
});
