import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Logger, silentLogger } from '../../../../agent/logger.js';
import {
  ownedIn,
  RemoteLists,
  readCachedLists,
  writeCachedLists,
} from '../../../../agent/remote/remote-lists.js';
import { tempDir } from '../../../helpers/temp.js';
import { projectView, sessionView, terminalInfo, workspaceView } from './views.js';

const ids = (list: ReadonlyArray<{ id: string }>) => list.map((item) => item.id);

describe("RemoteLists: a remote's last known projects, workspaces and sessions", () => {
  it('a project added while a full refresh was under way is still there when that refresh lands', () => {
    const lists = new RemoteLists();
    // The refresh is asked for (it will answer the lists as they were before the add)…
    const since = lists.version;
    // …the add is answered first…
    lists.keep({ projects: [projectView({ id: 'p-new' })] });
    // …and then the refresh lands.
    lists.replace(
      { projects: [projectView({ id: 'p-old' })], workspaces: [], sessions: [], terminals: [] },
      since,
    );
    expect(ids(lists.projects).sort()).toEqual(['p-new', 'p-old']);
  });

  it('a refresh drops what the remote no longer has', () => {
    const lists = new RemoteLists({
      projects: [projectView({ id: 'p1' })],
      workspaces: [workspaceView({ id: 'w1' })],
      sessions: [sessionView({ id: 's1' })],
      terminals: [],
    });
    lists.keep({ sessions: [sessionView({ id: 's2' })] });
    lists.replace(
      { projects: [], workspaces: [workspaceView({ id: 'w2' })], sessions: [], terminals: [] },
      lists.version,
    );
    expect([ids(lists.projects), ids(lists.workspaces), ids(lists.sessions)]).toEqual([[], ['w2'], []]);
  });

  it('an answer replaces the view kept of the same thing', () => {
    const lists = new RemoteLists({
      projects: [],
      workspaces: [],
      sessions: [sessionView({ status: 'idle' })],
      terminals: [],
    });
    lists.keep({ sessions: [sessionView({ status: 'running' })] });
    expect(lists.sessions.map((s) => s.status)).toEqual(['running']);
  });

  it('a changed workspace record updates its kept view and never invents one', () => {
    const kept = workspaceView({ id: 'w1', status: 'provisioning' });
    const lists = new RemoteLists({ projects: [], workspaces: [kept], sessions: [], terminals: [] });
    const { machine: _, project: __, sessions: ___, changes: ____, ...record } = kept;
    lists.keep({
      workspaceChanges: [
        { ...record, status: 'ready' },
        { ...record, id: 'w9' },
      ],
    });
    expect(lists.workspaces.map((w) => [w.id, w.status, w.project])).toEqual([['w1', 'ready', 'octo/app']]);
  });

  it('a removed project leaves the lists', () => {
    const lists = new RemoteLists({
      projects: [projectView({ id: 'p1' })],
      workspaces: [],
      sessions: [],
      terminals: [],
    });
    lists.keep({ removedProjects: ['p1'] });
    expect(lists.projects).toEqual([]);
  });

  it('what a finding shows its remote owns: its views, and the ids it names without a view', () => {
    const owned = ownedIn({
      projects: [projectView({ id: 'p1' })],
      workspaces: [workspaceView({ id: 'w1' })],
      ids: { terminal: ['t1'], session: ['s1'] },
    });
    expect(owned.map(({ kind, id }) => `${kind}:${id}`)).toEqual([
      'project:p1',
      'workspace:w1',
      'session:s1',
      'terminal:t1',
    ]);
  });
});

describe('the last known lists on disk', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.cleanup());
  const logged: string[] = [];
  const log: Logger = { ...silentLogger, warn: (message) => logged.push(message) };

  it('are read back as they were kept, checked against their schema', () => {
    dir = tempDir('ff-remote-lists-');
    const path = join(dir.path, 'box.json');
    const lists = new RemoteLists({
      projects: [projectView()],
      workspaces: [workspaceView({ id: 'w1' })],
      sessions: [],
      terminals: [terminalInfo()],
    });
    writeCachedLists(path, lists, log);
    expect(readCachedLists(path, log)).toEqual(lists.toJSON());
  });

  it.each([
    ['missing', undefined, undefined],
    ['not JSON', '{"projects": [', /box\.json: not JSON/],
    [
      'of another shape',
      JSON.stringify({ projects: [{ id: 1 }], workspaces: [], sessions: [] }),
      /box\.json: projects\.0\.id/,
    ],
  ])('a file %s is ignored (and said so when it exists), never trusted', (_, text, warning) => {
    dir = tempDir('ff-remote-lists-');
    mkdirSync(dir.path, { recursive: true });
    const path = join(dir.path, 'box.json');
    if (text !== undefined) writeFileSync(path, text);
    logged.length = 0;
    expect(readCachedLists(path, log)).toBeUndefined();
    if (warning) expect(logged.join('\n')).toMatch(warning);
    else expect(logged).toEqual([]);
  });
});
