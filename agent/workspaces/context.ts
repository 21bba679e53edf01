import type { Project } from '../../shared/domain.js';
import type { PullRequestToAdopt } from '../github/github.js';
import type { KeyedMutex } from '../keyed-mutex.js';
import type { Logger } from '../logger.js';
import type { HomePaths } from '../store/home.js';
import type { StateStore } from '../store/state-store.js';
import type { BaseFetches } from './base-fetches.js';
import type { ChangeSummaries } from './change-summaries.js';
import type { DiskUseCache } from './disk-use.js';
import type { IssueInput } from './new-workspace.js';
import type { OnePerIssue } from './one-per-issue.js';
import type { PortBlocks } from './port-block.js';
import type { PreviewCache } from './preview-cache.js';
import type { Projects } from './projects.js';
import type { ProvisioningRuns } from './provision.js';
import type { WorkspaceRecords } from './records.js';

/** Reads an issue from GitHub; throws an AgentError saying why it cannot. */
export type IssueLookup = (project: Project, number: number) => Promise<IssueInput>;

/** Reads a PR from GitHub (for adopting it); throws an AgentError saying why it cannot. */
export type PullRequestLookup = (project: Project, number: number) => Promise<PullRequestToAdopt>;

/**
 * What the use cases of agent/workspaces/ share, built once by `Workspaces`.
 * Each use case takes only the parts it uses (a `Pick` of this), so its
 * signature says what it touches.
 */
export interface WorkspaceContext {
  records: WorkspaceRecords;
  projects: Projects;
  /** Settings (the snapshot size bound) and sessions (the view's counts). */
  state: StateStore;
  log: Logger;
  /** Where provisioning logs go (`logs/workspaces/<id>.log`), and scratch files (`scratch/`). */
  paths: HomePaths;
  /** git commands that change a repository's worktrees or refs run one at a time per repository. */
  repoLock: KeyedMutex;
  /** Archive and restore of one workspace run one at a time (keyed by its id). */
  workspaceLock: KeyedMutex;
  fetches: BaseFetches;
  provisioning: ProvisioningRuns;
  onePerIssue: OnePerIssue;
  /** Port blocks are chosen one at a time, so two new workspaces never share one. */
  ports: PortBlocks;
  /** Each workspace's change summary (files, +/−, ahead/behind), for the view. */
  changes: ChangeSummaries;
  /** Disk use per workspace, measured in the background. */
  disk: DiskUseCache;
  /** Every workspace's previews (the ports its processes listen on), from one walk of /proc for all. */
  previews: PreviewCache;
  prompts: {
    /** The first prompt of an issue's workspace (prompts/issue.md). */
    issue: string;
    /** What the first prompt gets when the session starts while setup runs (prompts/setup-running.md). */
    setupRunning: string;
  };
  issueLookup: IssueLookup | undefined;
  pullRequestLookup: PullRequestLookup | undefined;
}
