import { z } from 'zod';
import { Machine, Preview, Session, Workspace } from './domain.js';

export const AssignedIssue = z.lazy(() =>
  z.object({
    number: z.number().int(),
    title: z.string(),
    url: z.string(),
    labels: z.array(z.string()),
    updatedAt: z.string(),
  }),
);
export type AssignedIssue = z.infer<typeof AssignedIssue>;

/** A session as the board shows it: enough to say what it is doing, and for notifications to see it change. */
export const CardSession = z.lazy(() =>
  Session.unwrap().pick({ id: true, kind: true, title: true, status: true, turns: true }),
);
export type CardSession = z.infer<typeof CardSession>;

export const WorkspaceCard = z.lazy(() =>
  z.object({
    /** The machine the workspace is on (absent: `local`). */
    machine: Machine.default('local'),
    workspace: Workspace,
    /** Counted as shared/session-counts.ts's `countSessions` counts (running: starting or in a turn). */
    sessions: z.object({
      total: z.number().int(),
      running: z.number().int(),
      waitingForYou: z.number().int(),
      /** Newest first. */
      list: z.array(CardSession),
    }),
    /** The session to open from the card: the one that needs you, else the newest. */
    focusSessionId: z.string().optional(),
    /** The ports its processes listen on, as last found (the view's `previews`); absent: none known. */
    previews: z.array(Preview).optional(),
  }),
);
export type WorkspaceCard = z.infer<typeof WorkspaceCard>;

export const Board = z.lazy(() =>
  z.object({
    project: z.string(),
    columns: z.object({
      issues: z.array(AssignedIssue),
      working: z.array(WorkspaceCard),
      waiting: z.array(WorkspaceCard),
      done: z.array(WorkspaceCard),
    }),
    /** Why the GitHub Issues column may be empty or stale (no token, rate limit). */
    issuesError: z.string().optional(),
    issuesFetchedAt: z.string().optional(),
  }),
);
export type Board = z.infer<typeof Board>;

export type BoardSession = Pick<
  Session,
  'id' | 'workspaceId' | 'status' | 'createdAt' | 'kind' | 'title' | 'turns'
>;
