import { describe, expect, it } from 'vitest';
import { type MethodRule, methodRules } from '../../../../agent/remote/method-rules.js';
import { type KnownLists, NO_LISTS, ownedIn } from '../../../../agent/remote/remote-lists.js';
import type { HandledMethod } from '../../../../agent/server/agent-server.js';
import { handledMethods } from '../../../../agent/server/handlers.js';
import {
  type MethodParams,
  type MethodResult,
  type MethodResultInput,
  methods,
  type ParsedParams,
} from '../../../../shared/protocol.js';
import { RatchetDecision, WorkspaceRatchet } from '../../../../shared/ratchet.js';
import { board, card, projectView, sessionView, terminalInfo, workspaceView } from './views.js';

const rule = <M extends HandledMethod>(method: M) => methodRules[method] as MethodRule<M>;
/** The params as the server hands them to a handler: parsed by the protocol's schema. */
const parsed = <M extends HandledMethod>(method: M, params: unknown) =>
  methods[method].params.parse(params) as ParsedParams<M>;
const ownerOf = <M extends HandledMethod>(method: M, params: unknown) =>
  rule(method).owner?.(parsed(method, params));
/** A remote's answer as it is known here, and the things it shows box owns. */
const fromBox = <M extends HandledMethod>(method: M, result: MethodResult<M>) => {
  const answer = rule(method).answer;
  if (!answer) throw new Error(`${method} has no answer rule`);
  const stamped = answer.stamp ? answer.stamp(result, 'box') : result;
  const found = answer.found(stamped);
  return { stamped, found, owned: ownedIn(found).map(({ kind, id }) => `${kind}:${id}`) };
};
const decision = (sessionId?: string) =>
  RatchetDecision.parse({ action: 'none', reason: 'r', state: 'CI_RUNNING', at: 't', sessionId });

describe('method rules: where each request goes', () => {
  it.each([
    ['session.send', { sessionId: 's1', text: 'hi' }, { kind: 'session', id: 's1' }],
    ['permission.respond', { sessionId: 's1', requestId: 'r', allow: true }, { kind: 'session', id: 's1' }],
    ['session.events', { sessionId: 's1' }, { kind: 'session', id: 's1' }],
    ['terminal.input', { terminalId: 't1', data: 'ls' }, { kind: 'terminal', id: 't1' }],
    ['workspace.get', { workspaceId: 'w1' }, { kind: 'workspace', id: 'w1' }],
    ['session.start', { workspaceId: 'w1', prompt: 'x' }, { kind: 'workspace', id: 'w1' }],
    ['terminal.open', { workspaceId: 'w1', cols: 80, rows: 24 }, { kind: 'workspace', id: 'w1' }],
    ['ratchet.pause', { workspaceId: 'w1', paused: true }, { kind: 'workspace', id: 'w1' }],
    ['workspace.create', { project: 'octo/app' }, { kind: 'project', id: 'octo/app' }],
    ['board.get', { project: 'p1' }, { kind: 'project', id: 'p1' }],
    ['project.add', { path: '/src', machine: 'box' }, { kind: 'machine', machine: 'box' }],
    ['project.add', { path: '/src', machine: 'local' }, undefined],
    ['project.add', { path: '/src' }, undefined],
    ['workspace.list', { project: 'octo/app' }, { kind: 'project', id: 'octo/app' }],
    ['workspace.list', {}, undefined],
    ['session.list', { workspaceId: 'w1' }, { kind: 'workspace', id: 'w1' }],
    ['session.list', undefined, undefined],
    ['terminal.list', undefined, undefined],
    ['ratchet.settings.get', { project: 'octo/app' }, { kind: 'project', id: 'octo/app' }],
    ['ratchet.settings.get', undefined, undefined],
    ['status', undefined, undefined],
    ['gc.run', undefined, undefined],
    ['remote.list', undefined, undefined],
  ] as const)('%s %j goes to the owner of %j', (method, params, expected) => {
    expect(ownerOf(method, params)).toEqual(expected);
  });

  it('every method the handlers answer is classified, and nothing else is', () => {
    expect(Object.keys(methodRules).sort()).toEqual([...handledMethods].sort());
  });

  it('a project added on a remote reaches it without the machine, which means this machine there', () => {
    const toRemote = rule('project.add').toRemote!;
    expect(
      toRemote(parsed('project.add', { path: '/src/app', machine: 'box', setupScript: 'npm ci' })),
    ).toEqual({
      path: '/src/app',
      setupScript: 'npm ci',
    });
  });

  it('a terminal opened on a remote is followed there before its answer is given (its output starts at once)', () => {
    expect(rule('terminal.open').follow?.(terminalInfo({ id: 't9' }))).toBe('terminal:t9');
    expect(rule('session.start').follow).toBeUndefined();
  });
});

describe("method rules: what a remote's answer shows it owns", () => {
  it('the answer of the call that made a thing shows who owns it, from the first moment', () => {
    expect(fromBox('project.add', projectView({ id: 'p7' })).owned).toEqual(['project:p7']);
    const made = fromBox('workspace.create', { workspace: workspaceView({ id: 'w7' }), created: true });
    expect(made.owned).toEqual(['workspace:w7']);
    expect(made.stamped.workspace.machine).toBe('box');
    expect(
      fromBox('workspace.adopt', { workspace: workspaceView({ id: 'w8' }), created: true }).owned,
    ).toEqual(['workspace:w8']);
    expect(fromBox('session.start', sessionView({ id: 's7' })).owned).toEqual(['session:s7']);
    expect(fromBox('quickAction.run', sessionView({ id: 's8' })).owned).toEqual(['session:s8']);
    expect(fromBox('terminal.open', terminalInfo({ id: 't7' })).owned).toEqual(['terminal:t7']);
  });

  it("lists show every listed thing as the remote's, each view carrying the remote's name", () => {
    const projects = fromBox('project.list', [
      projectView({ id: 'p1' }),
      projectView({ id: 'p2', repo: 'far' }),
    ]);
    expect(projects.owned).toEqual(['project:p1', 'project:p2']);
    expect(projects.stamped.map((p) => p.machine)).toEqual(['box', 'box']);
    const sessions = fromBox('session.list', [sessionView({ id: 's1' }), sessionView({ id: 's2' })]);
    expect(sessions.owned).toEqual(['session:s1', 'session:s2']);
    expect(fromBox('fleet.status', [{ sessionId: 's3', statusSince: 't' }]).owned).toEqual(['session:s3']);
  });

  it("a view of a machine behind the remote keeps that machine's name (the remote routes to it)", () => {
    expect(fromBox('workspace.get', workspaceView({ machine: 'far' })).stamped.machine).toBe('far');
  });

  it("a board shows the remote's workspaces and their sessions; its cards carry the remote's name", () => {
    const w = workspaceView({ id: 'w5' });
    const answer = fromBox('board.get', board([card(w, ['s5', 's6'])]));
    expect(answer.owned).toEqual(['workspace:w5', 'session:s5', 'session:s6']);
    expect(answer.stamped.columns.working.map((c) => c.machine)).toEqual(['box']);
    // The card's record is newer than a kept view: it updates it.
    expect(answer.found.workspaceChanges?.map((changed) => changed.id)).toEqual(['w5']);
  });

  it("the ratchet's answers show the remote's workspaces and the fixers it started there", () => {
    const tick = fromBox('ratchet.tick', {
      ran: true,
      checked: 1,
      decisions: [{ workspaceId: 'w1', decision: decision('s9') }],
      startedAt: 't',
      durationMs: 1,
    });
    expect(tick.owned).toEqual(['workspace:w1', 'session:s9']);
    const ratchet = WorkspaceRatchet.parse({ fixerSessionId: 's4' });
    expect(fromBox('ratchet.pause', ratchet).owned).toEqual(['session:s4']);
  });

  it('a removed project leaves what is kept of the remote', () => {
    const removed = fromBox('project.remove', {
      removed: projectView({ id: 'p3' }),
      workspacesLeftOnDisk: [],
    });
    expect(removed.found.removedProjects).toEqual(['p3']);
    expect(removed.stamped.removed.machine).toBe('box');
  });
});

describe('method rules: reads answered from the last known lists while a remote is unreachable or slow', () => {
  const far = projectView({ id: 'p2', repo: 'far' });
  const fixing = WorkspaceRatchet.parse({ state: 'CI_FAILED', fixerSessionId: 's2' });
  const lists: KnownLists = {
    projects: [projectView({ id: 'p1', machine: 'box' }), { ...far, machine: 'box' }],
    workspaces: [
      workspaceView({ id: 'w1', projectId: 'p1', machine: 'box' }),
      workspaceView({
        id: 'w2',
        projectId: 'p2',
        project: 'octo/far',
        machine: 'box',
        pr: { number: 7, url: 'https://github.com/octo/far/pull/7', nodeId: 'PR_7' },
        ratchet: fixing,
      }),
      workspaceView({ id: 'w3', projectId: 'p2', status: 'archived', machine: 'box' }),
    ],
    sessions: [
      sessionView({ id: 's1', workspaceId: 'w1', machine: 'box', updatedAt: '2026-11-25T11:00:00Z' }),
      sessionView({ id: 's2', workspaceId: 'w2', machine: 'box', status: 'running' }),
    ],
    terminals: [terminalInfo({ id: 't1', workspaceId: 'w1' }), terminalInfo({ id: 't2', workspaceId: 'w2' })],
  };
  const cached = <M extends HandledMethod>(method: M, params: MethodParams<M>) =>
    rule(method).cached?.(lists, params);
  const ids = (list: Array<{ id: string }> | undefined) => list?.map((item) => item.id);

  it.each([
    [undefined, ['w1', 'w2']],
    [{ includeArchived: true }, ['w1', 'w2', 'w3']],
    [{ project: 'octo/far' }, ['w2']],
    [{ project: 'p2', includeArchived: true }, ['w2', 'w3']],
    [{ project: 'octo/none' }, []],
  ])('workspace.list %j → %j', (params, expected) => {
    expect(ids(cached('workspace.list', params))).toEqual(expected);
  });

  it('one workspace, one session, a workspace’s sessions and the projects, as last seen', () => {
    expect(cached('workspace.get', { workspaceId: 'w2' })?.id).toBe('w2');
    expect(cached('workspace.get', { workspaceId: 'w9' })).toBeUndefined();
    expect(cached('session.get', { sessionId: 's2' })?.id).toBe('s2');
    expect(ids(cached('session.list', { workspaceId: 'w1' }))).toEqual(['s1']);
    expect(ids(cached('session.list', undefined))).toEqual(['s1', 's2']);
    expect(ids(cached('project.list', undefined))).toEqual(['p1', 'p2']);
  });

  it("the terminals, a workspace's terminals, and a fleet row per session with nothing live in it", () => {
    expect(ids(cached('terminal.list', undefined))).toEqual(['t1', 't2']);
    expect(ids(cached('terminal.list', { workspaceId: 'w2' }))).toEqual(['t2']);
    expect(cached('fleet.status', undefined)).toEqual([
      { sessionId: 's1', statusSince: '2026-11-25T11:00:00Z' },
      { sessionId: 's2', statusSince: '2026-11-25T10:00:00Z' },
    ]);
  });

  it("the PRs its ratchet follows: its ready workspaces, each with its ratchet's state", () => {
    expect(cached('ratchet.status', undefined)?.workspaces).toEqual([
      {
        workspaceId: 'w1',
        branch: lists.workspaces[0]!.branch,
        project: 'octo/app',
        ratchet: lists.workspaces[0]!.ratchet,
      },
      {
        workspaceId: 'w2',
        branch: lists.workspaces[1]!.branch,
        project: 'octo/far',
        pr: { number: 7, url: 'https://github.com/octo/far/pull/7', nodeId: 'PR_7' },
        ratchet: fixing,
      },
    ]);
  });

  it("a project's board as the remote derives it, its cards on the remote, no assigned issues", () => {
    const known = cached('board.get', { project: 'octo/far' });
    expect(known?.project).toBe('octo/far');
    expect(known?.columns.working.map((c) => [c.workspace.id, c.machine, c.sessions.running])).toEqual([
      ['w2', 'box', 1],
    ]);
    expect(known?.columns.issues).toEqual([]);
    // A card carries the record, not what only the list view adds.
    expect(Object.keys(known?.columns.working[0]?.workspace ?? {})).not.toContain('changes');
    expect(cached('board.refresh', { project: 'p1' })?.columns.waiting.map((c) => c.workspace.id)).toEqual([
      'w1',
    ]);
    expect(cached('board.get', { project: 'octo/none' })).toBeUndefined();
  });

  it('what needs the remote itself has no last known answer', () => {
    for (const method of ['session.send', 'session.start', 'workspace.archive', 'session.events'] as const)
      expect(rule(method).cached).toBeUndefined();
  });
});

describe("method rules: this machine's answer merged with the remotes'", () => {
  const here = projectView({ id: 'here', repo: 'app' });
  const boxLists: KnownLists = { ...NO_LISTS, projects: [projectView({ id: 'p-box' })] };
  const noLists = NO_LISTS;
  const merge = <M extends HandledMethod>(method: M) => {
    const found = rule(method).merge;
    if (!found) throw new Error(`${method} merges nothing`);
    return found;
  };
  const combine = <M extends HandledMethod>(
    method: M,
    local: MethodResultInput<M>,
    ...theirs: Array<[string, MethodResult<M>]>
  ) =>
    merge(method).combine(
      local,
      theirs.map(([machine, result]) => ({ machine, result })),
    );

  it("the whole lists hold every machine's; one narrowed to a workspace is its owner's alone", () => {
    expect(
      combine('project.list', [here], ['box', [projectView({ machine: 'box' })]]).map((p) => p.id),
    ).toEqual(['here', 'p1']);
    expect(merge('session.list').from?.(parsed('session.list', undefined), boxLists)).toBe(true);
    expect(merge('session.list').from?.(parsed('session.list', { workspaceId: 'w1' }), boxLists)).toBe(false);
    expect(merge('terminal.list').from?.(parsed('terminal.list', { workspaceId: 'w1' }), boxLists)).toBe(
      false,
    );
  });

  it("a project's workspaces come from each remote with the same repo, asked by that remote's id for it", () => {
    const { from, ask } = merge('workspace.list');
    const params = parsed('workspace.list', { project: 'octo/app', includeArchived: true });
    expect(from?.(params, boxLists)).toBe(true);
    expect(from?.(params, noLists)).toBe(false);
    expect(ask?.(params, boxLists)).toEqual({ project: 'p-box', includeArchived: true });
    expect(ask?.(parsed('workspace.list', undefined), boxLists)).toEqual({});
  });

  it('one board from every machine with the repo, each asked by its own id for it, each issue once', () => {
    const { from, ask } = merge('board.get');
    expect(from?.(parsed('board.get', { project: 'octo/app' }), noLists)).toBe(false);
    expect(ask?.(parsed('board.get', { project: 'octo/app', filter: 'bug' }), boxLists)).toEqual({
      project: 'p-box',
      filter: 'bug',
    });
    const issue = (number: number) => ({ number, title: 't', url: 'https://x' });
    const mine = board(
      [card(workspaceView({ id: 'w1', issue: issue(1), updatedAt: '2026-12-01T01:00Z' }))],
      [2, 3],
    );
    const theirs = board(
      [card(workspaceView({ id: 'w2', issue: issue(3), updatedAt: '2026-12-01T02:00Z' }), [], 'box')],
      [1, 2],
    );
    const merged = combine('board.get', mine, ['box', theirs]);
    expect(merged.columns.working.map((c) => [c.workspace.id, c.machine])).toEqual([
      ['w2', 'box'],
      ['w1', 'local'],
    ]);
    expect(merged.columns.issues.map((i) => i.number)).toEqual([2]);
  });

  it('Check now adds up every host’s tick and says which host an error is from', () => {
    const tick = (checked: number, error?: string) => ({
      ran: checked > 0,
      checked,
      decisions: [{ workspaceId: `w${checked}`, decision: decision() }],
      startedAt: 't',
      durationMs: 1,
      ...(error ? { error } : {}),
    });
    const merged = combine(
      'ratchet.tick',
      tick(0, 'no token'),
      ['box', tick(2)],
      ['far', tick(1, 'rate limited')],
    );
    expect(merged).toMatchObject({ ran: true, checked: 3, error: 'no token; far: rate limited' });
    expect(merged.decisions.map((d) => d.workspaceId)).toEqual(['w0', 'w2', 'w1']);
  });

  it("ratchet status lists every host's PRs beside this machine's connection", () => {
    const status = (workspaceId: string) => ({
      github: { connected: workspaceId === 'here' },
      running: false,
      workspaces: [{ workspaceId, branch: 'b', project: 'octo/app', ratchet: WorkspaceRatchet.parse({}) }],
    });
    const merged = combine('ratchet.status', status('here'), ['box', status('w-box')]);
    expect(merged.github.connected).toBe(true);
    expect(merged.workspaces.map((w) => w.workspaceId)).toEqual(['here', 'w-box']);
  });

  it("the fleet's cost history counts every machine's sessions over this machine's days", () => {
    const days = ['2026-12-01', '2026-12-02'];
    const history = (usd: number[]) => ({
      days,
      repos: [{ repo: 'octo/app', usd }],
      totalUsd: usd[0]! + usd[1]!,
    });
    const merged = combine('fleet.costs', history([1, 2]), ['box', history([0.5, 0])]);
    expect(merged.days).toEqual(days);
    expect(merged.totalUsd).toBeCloseTo(3.5, 9);
  });
});
