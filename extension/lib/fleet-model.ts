/**
 * The fleet view's data, pure: rows from sessions + workspaces + live
 * figures, their sort, the approvals inbox (oldest first) and the cost
 * chart's bars. Table-tested in tests/unit/extension/fleet-model.test.ts.
 */

import type { PermissionRequest, SessionView, WorkspaceView } from '../../shared/domain.js';
import type { CostHistory, FleetRow } from '../../shared/protocol.js';
import { type SessionSafety, sessionSafety } from '../../shared/sandbox.js';
import { compareMachines, LOCAL, machineOf } from './machines.js';
import { sessionName } from './session-name.js';

export interface SessionRow {
  id: string;
  workspaceId: string;
  /** `local` or the remote it runs on. */
  machine: string;
  /** `owner/repo`. */
  repo: string;
  owner: string;
  /** `#12 Fix the login` or the branch. */
  workspace: string;
  title: string;
  status: SessionView['status'];
  pending: number;
  /** Sandboxed or not, and whether it asks: the shield or the warning by its state. */
  safety: SessionSafety;
  /** Attempts its sandbox blocked. */
  blocked: number;
  tool?: string;
  costUsd: number;
  turns: number;
  /** ms in the current status at `now`. */
  inStateMs: number;
  cpuPercent?: number;
  rssBytes?: number;
}

/** The owner in `owner/repo` (or `host/owner/repo`). */
export function ownerOf(project: string): string {
  return project.split('/').at(-2) ?? '';
}

export type SortKey =
  | 'machine'
  | 'workspace'
  | 'status'
  | 'tool'
  | 'costUsd'
  | 'inStateMs'
  | 'cpuPercent'
  | 'rssBytes';

export function fleetRows(
  sessions: SessionView[],
  workspaces: WorkspaceView[],
  live: FleetRow[],
  now: number,
): SessionRow[] {
  const byWorkspace = new Map(workspaces.map((w) => [w.id, w]));
  const byId = new Map(live.map((r) => [r.sessionId, r]));
  return sessions.map((s) => {
    const w = byWorkspace.get(s.workspaceId);
    const f = byId.get(s.id);
    const since = Date.parse(f?.statusSince ?? s.updatedAt ?? s.createdAt);
    return {
      id: s.id,
      workspaceId: s.workspaceId,
      machine: machineOf(w ?? s),
      repo: w?.project ?? '',
      owner: w ? ownerOf(w.project) : '',
      workspace: w ? (w.issue ? `#${w.issue.number} ${w.issue.title}` : w.branch) : s.workspaceId,
      title: sessionName(s),
      status: s.status,
      pending: s.pendingPermissions.length,
      safety: sessionSafety(s),
      blocked: s.blocked ?? 0,
      ...(f?.tool ? { tool: f.tool.summary ? `${f.tool.name} ${f.tool.summary}` : f.tool.name } : {}),
      costUsd: s.costUsd,
      turns: s.turns,
      inStateMs: Number.isFinite(since) ? Math.max(0, now - since) : 0,
      ...(f?.process ? { cpuPercent: f.process.cpuPercent, rssBytes: f.process.rssBytes } : {}),
    };
  });
}

/** Status order when sorting by it: what needs you first, then what works, then the rest. */
const STATUS_RANK: Record<SessionView['status'], number> = {
  'waiting-permission': 0,
  failed: 1,
  running: 2,
  starting: 3,
  idle: 4,
  interrupted: 5,
  crashed: 6,
  exited: 7,
};

export function sortRows(rows: SessionRow[], key: SortKey, descending: boolean): SessionRow[] {
  if (key === 'machine')
    return [...rows].sort((a, b) => {
      const order = compareMachines(a.machine, b.machine);
      // By machine, then as by workspace within each; descending flips the machines only.
      return (
        (descending ? -order : order) ||
        `${a.repo} ${a.workspace}`.localeCompare(`${b.repo} ${b.workspace}`) ||
        a.id.localeCompare(b.id)
      );
    });
  const value = (row: SessionRow): number | string =>
    key === 'status'
      ? STATUS_RANK[row.status]
      : key === 'tool'
        ? (row.tool ?? '')
        : key === 'workspace'
          ? `${row.repo} ${row.workspace}`
          : (row[key] ?? -1);
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (descending ? -order : order) || a.id.localeCompare(b.id);
  });
}

/** Whether the fleet names machines: when any row is on a remote. */
export const spansMachines = (rows: readonly SessionRow[]): boolean =>
  rows.some((row) => row.machine !== LOCAL);

export interface InboxItem {
  sessionId: string;
  workspaceId: string;
  repo: string;
  workspace: string;
  request: PermissionRequest;
}

/** Every pending permission across sessions, oldest first. */
export function inbox(sessions: SessionView[], workspaces: WorkspaceView[]): InboxItem[] {
  const byWorkspace = new Map(workspaces.map((w) => [w.id, w]));
  return sessions
    .flatMap((s) =>
      s.pendingPermissions.map((request) => {
        const w = byWorkspace.get(s.workspaceId);
        return {
          sessionId: s.id,
          workspaceId: s.workspaceId,
          repo: w?.project ?? '',
          workspace: w ? (w.issue ? `#${w.issue.number} ${w.issue.title}` : w.branch) : s.workspaceId,
          request,
        };
      }),
    )
    .sort(
      (a, b) =>
        a.request.at.localeCompare(b.request.at) || a.request.requestId.localeCompare(b.request.requestId),
    );
}

/** The toolbar badge's text: empty at zero, `99+` past 99. */
export function badgeText(count: number): string {
  return count === 0 ? '' : count > 99 ? '99+' : String(count);
}

export { formatDuration } from './duration.js';

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${Math.round(bytes / 1024 / 1024)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

export function formatUsd(usd: number): string {
  return usd >= 100 ? `$${usd.toFixed(0)}` : usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

export interface Bar {
  day: string;
  x: number;
  /** Stacked segments, bottom first: one per repo with a cost that day. */
  segments: Array<{ repo: string; y: number; height: number; usd: number }>;
  usd: number;
}

/** Stacked bars, one per day, in a chart `width` × `height` (SVG units, y grows down). */
export function costBars(history: CostHistory, width: number, height: number): { bars: Bar[]; max: number } {
  const totals = history.days.map((_, i) => history.repos.reduce((sum, r) => sum + (r.usd[i] ?? 0), 0));
  const max = Math.max(0, ...totals);
  const step = history.days.length > 0 ? width / history.days.length : 0;
  const bars = history.days.map((day, i) => {
    let top = height;
    const segments = history.repos.flatMap((r) => {
      const usd = r.usd[i] ?? 0;
      if (usd <= 0 || max === 0) return [];
      const h = (usd / max) * height;
      top -= h;
      return [{ repo: r.repo, y: top, height: h, usd }];
    });
    return { day, x: i * step, segments, usd: totals[i] ?? 0 };
  });
  return { bars, max };
}
