import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../../agent/store/atomic-file.js';
import { generationFiles, goodBackups, writeGeneration } from '../../../../agent/store/state-backups.js';
import {
  damagedStateMessage,
  migrateState,
  readStateText,
  STATE_VERSION,
  StateDamagedError,
  StateStore,
  StateVersionError,
} from '../../../../agent/store/state-store.js';
import { tempDir, waitFor } from '../../../helpers/temp.js';

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

describe('readStateText', () => {
  it.each([
    ['empty', '', /it is empty/],
    ['whitespace', '  \n', /it is empty/],
    ['truncated', '{"version": 1, "proj', /not valid JSON/],
    ['garbage', '\u0000\u0001binary', /not valid JSON/],
    ['an array', '[]', /does not hold a JSON object/],
    ['a wrong field type', '{"version":1,"projects":"nope"}', /does not match schema v1: projects/],
  ])('says why %s text cannot be used', (_name, text, reason) => {
    const reading = readStateText(text);
    expect(reading.ok).toBe(false);
    expect(!reading.ok && reading.reason).toMatch(reason);
    expect(!reading.ok && reading.newer).toBe(false);
  });

  it('tells a newer version apart from damage', () => {
    const reading = readStateText('{"version": 99}');
    expect(reading).toMatchObject({ ok: false, newer: true });
  });
});

describe('damagedStateMessage', () => {
  const base = { file: '/h/state.json', reason: 'it is empty', backupsDir: '/h/state-backups' };
  it('names the file, the backup and the command that restores it', () => {
    const message = damagedStateMessage({
      ...base,
      backup: {
        path: '/h/state-backups/state-x.json',
        savedAt: '2026-01-02T03:04:05.678Z',
        projects: 1,
        workspaces: 3,
        sessions: 0,
      },
      anyBackups: true,
      command: 'ff-agent --home /h',
    });
    expect(message).toContain('/h/state.json cannot be used: it is empty');
    expect(message).toContain('1 project, 3 workspaces, saved 2026-01-02T03:04:05.678Z');
    expect(message).toContain('ff-agent --home /h serve --restore-state /h/state-backups/state-x.json');
  });

  it('without a backup says how to start empty without losing the file', () => {
    const message = damagedStateMessage({
      ...base,
      backup: undefined,
      anyBackups: false,
      command: 'ff-agent',
    });
    expect(message).toContain('mv /h/state.json /h/state.json.damaged');
    expect(message).not.toContain('--restore-state');
  });
});

describe('state generations', () => {
  it('keeps the newest ten, each 0600, and skips a copy of the newest', () => {
    const root = dir();
    for (let n = 0; n < 14; n++) {
      writeGeneration(root, `{"version":1,"n":${n}}\n`, new Date(Date.UTC(2026, 0, 1, 0, n)));
    }
    writeGeneration(root, '{"version":1,"n":13}\n', new Date(Date.UTC(2026, 0, 1, 1)));
    const files = generationFiles(root);
    expect(files).toHaveLength(10);
    expect(readFileSync(files[0]!, 'utf8')).toContain('"n":13');
    expect(readFileSync(files[9]!, 'utf8')).toContain('"n":4');
    for (const file of files) expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('lists only backups that parse and validate, newest first', () => {
    const root = dir();
    writeGeneration(root, '{"version":1}\n', new Date(Date.UTC(2026, 0, 1, 0, 0)));
    writeGeneration(root, '{"version":1,"projects":[]}\n', new Date(Date.UTC(2026, 0, 1, 0, 1)));
    writeGeneration(root, '{"version":1, "proj', new Date(Date.UTC(2026, 0, 1, 0, 2)));
    expect(goodBackups(root).map((b) => b.savedAt)).toEqual([
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
  });
});

describe('StateStore', () => {
  const open = (path: string, extra: { generationIntervalMs?: number } = {}) =>
    StateStore.open(path, { backupsDir: join(path, '..', 'state-backups'), ...extra });

  it('creates state.json with the schema version and persists updates', async () => {
    const path = join(dir(), 'state.json');
    const store = await open(path);
    await store.update((s) => {
      s.settings.defaultPermissionMode = 'ask';
    });
    const onDisk = JSON.parse(readFileSync(path, 'utf8'));
    expect(onDisk.version).toBe(STATE_VERSION);
    expect(onDisk.settings.defaultPermissionMode).toBe('ask');
    const reopened = await open(path);
    expect(reopened.data.settings.defaultPermissionMode).toBe('ask');
  });

  it('opening removes the temp files of writes a killed agent never finished, and nothing else', async () => {
    const root = dir();
    const path = join(root, 'state.json');
    await (await open(path)).flush();
    writeFileSync(join(root, '.state.json.0123456789ab.tmp'), '{"version":1, "proj');
    writeFileSync(join(root, '.state.json.ba9876543210.tmp'), '');
    writeFileSync(join(root, '.agent.json.0123456789ab.tmp'), 'not ours to remove');
    writeFileSync(join(root, 'state.json.tmp'), 'a file the user made');
    const messages: string[] = [];
    await StateStore.open(path, { backupsDir: join(root, 'state-backups'), onInfo: (m) => messages.push(m) });
    expect(
      readdirSync(root)
        .filter((f) => f.endsWith('.tmp'))
        .sort(),
    ).toEqual(['.agent.json.0123456789ab.tmp', 'state.json.tmp']);
    expect(messages.join('\n')).toContain('Removed 2 unfinished write(s)');
  });

  it('an update that changes nothing leaves state.json as it is; the next change is written', async () => {
    const path = join(dir(), 'state.json');
    const store = await open(path);
    await store.flush();
    // Each write replaces the file (a new inode): the same inode means no write.
    const before = statSync(path).ino;
    await store.update(() => {});
    await store.flush();
    expect(statSync(path).ino).toBe(before);
    await store.update((s) => {
      s.settings.trustOutsideAuthors = true;
    });
    await store.flush();
    expect(statSync(path).ino).not.toBe(before);
    expect(JSON.parse(readFileSync(path, 'utf8')).settings.trustOutsideAuthors).toBe(true);
  });

  it('a burst of updates ends with the last one on disk', async () => {
    const path = join(dir(), 'state.json');
    const store = await open(path);
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

  it('a damaged state.json is refused and left as it was, naming the newest good backup', async () => {
    const root = dir();
    const path = join(root, 'state.json');
    const store = await open(path, { generationIntervalMs: 0 });
    await store.update((s) => {
      s.settings.allowedExtensionIds = ['kept@example.org'];
    });
    writeFileSync(path, '{"version": 1, "proj');
    const failure = await open(path).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(StateDamagedError);
    const [newest] = goodBackups(join(root, 'state-backups'));
    expect((failure as Error).message).toContain(`--restore-state ${newest!.path}`);
    expect(readFileSync(newest!.path, 'utf8')).toContain('kept@example.org');
    expect(readFileSync(path, 'utf8')).toBe('{"version": 1, "proj');
  });

  it('a change inside the interval reaches a backup when the interval ends (the trailing edge)', async () => {
    const root = dir();
    const path = join(root, 'state.json');
    const store = await open(path, { generationIntervalMs: 300 });
    await store.update((s) => {
      s.settings.allowedExtensionIds = ['late@example.org'];
    });
    const newest = () => goodBackups(join(root, 'state-backups'))[0];
    expect(readFileSync(newest()!.path, 'utf8')).not.toContain('late@example.org');
    await waitFor(() => readFileSync(newest()!.path, 'utf8').includes('late@example.org'), {
      what: 'the trailing generation',
      timeoutMs: 5_000,
    });
  });

  it('close() keeps the newest state as a backup, however recent the last one', async () => {
    const root = dir();
    const path = join(root, 'state.json');
    const store = await open(path, { generationIntervalMs: 3_600_000 });
    await store.update((s) => {
      s.settings.allowedExtensionIds = ['at-shutdown@example.org'];
    });
    await store.close();
    const [newest] = goodBackups(join(root, 'state-backups'));
    expect(readFileSync(newest!.path, 'utf8')).toContain('at-shutdown@example.org');
  });

  it('a missing state.json beside backups is refused, not started empty', async () => {
    const root = dir();
    const path = join(root, 'state.json');
    await open(path);
    expect(generationFiles(join(root, 'state-backups')).length).toBeGreaterThan(0);
    rmSync(path);
    await expect(open(path)).rejects.toThrow(/it is missing, but backups of it exist/);
  });

  it('restores a backup, keeping the damaged file aside', async () => {
    const root = dir();
    const path = join(root, 'state.json');
    const store = await open(path, { generationIntervalMs: 0 });
    await store.update((s) => {
      s.settings.allowedExtensionIds = ['kept@example.org'];
    });
    const [newest] = goodBackups(join(root, 'state-backups'));
    writeFileSync(path, '');
    const restored = await StateStore.open(path, {
      backupsDir: join(root, 'state-backups'),
      restoreFrom: newest!.path,
    });
    expect(restored.data.settings.allowedExtensionIds).toEqual(['kept@example.org']);
    const aside = readdirSync(root).filter((f) => f.startsWith('state.json.damaged-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(root, aside[0]!), 'utf8')).toBe('');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('refuses to restore from a file that is not a good state, changing nothing', async () => {
    const root = dir();
    const path = join(root, 'state.json');
    writeFileSync(path, 'garbage');
    writeFileSync(join(root, 'bad.json'), '{"version":1,"workspaces":7}');
    await expect(
      StateStore.open(path, { backupsDir: join(root, 'state-backups'), restoreFrom: join(root, 'bad.json') }),
    ).rejects.toThrow(/Cannot restore from .*bad\.json: it does not match/);
    expect(readFileSync(path, 'utf8')).toBe('garbage');
  });

  it('a folder in the way of state.json is a one-line error', async () => {
    const root = dir();
    const path = join(root, 'state.json');
    mkdirSync(path);
    await expect(open(path)).rejects.toThrow(
      /^[^\n]*state\.json is a folder, but ff keeps its state in a file there[^\n]*$/,
    );
  });

  it('a state.json from a newer agent is refused and left untouched', async () => {
    const path = join(dir(), 'state.json');
    writeFileSync(path, JSON.stringify({ version: 99, future: true }));
    await expect(open(path)).rejects.toThrow(/newer ff-agent/);
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
