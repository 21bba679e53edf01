import type { Session, Workspace } from '../../shared/domain.js';
import type { Classification, PrSnapshot, RatchetSettings } from '../../shared/ratchet.js';
import { outsideAuthors, permissionForOutsideText } from '../claude/author-trust.js';
import type { Sessions } from '../claude/sessions.js';
import type { GitHub } from '../github/github.js';
import type { Logger } from '../logger.js';
import type { StateStore } from '../store/state-store.js';
import type { Projects } from '../workspaces/projects.js';
import type { FixerSeen } from './apply.js';
import { failingCheckDetails } from './check-details.js';
import { type FixerTemplates, loadFixerTemplates, renderFixerPrompt } from './prompts.js';

export interface FixersDeps {
  state: StateStore;
  sessions: Sessions;
  projects: Projects;
  log: Logger;
  promptsDir: string;
}

/** What a fixer is asked about: the PR as GitHub showed it, and what is wrong with it. */
export interface FixerBrief {
  workspace: Pick<Workspace, 'id' | 'projectId'>;
  snapshot: PrSnapshot;
  classification: Classification;
}

/**
 * What a fork's PR puts in a fixer's prompt that no one inside the repo
 * wrote — pure: its checks' names, output and job logs come from the fork's
 * code, so they count as outside text.
 */
export function forkText(snapshot: Pick<PrSnapshot, 'fork' | 'number'>): string[] {
  return snapshot.fork
    ? [`the checks and job logs of PR #${snapshot.number}, which comes from a fork (its code writes them)`]
    : [];
}

/** Session statuses in which a fixer is in the middle of a turn. */
const BUSY: ReadonlySet<Session['status']> = new Set(['starting', 'running', 'waiting-permission']);

/**
 * The fixer sessions: a Claude Code session per workspace (kind `ratchet`)
 * that the ratchet starts on a PR's trouble, tells about new trouble, and
 * reads the answer of. Its prompt names the trouble from GitHub's own
 * words, framed as data (prompts.ts).
 */
export class Fixers {
  readonly #deps: FixersDeps;
  #templates: FixerTemplates | undefined;

  constructor(deps: FixersDeps) {
    this.#deps = deps;
  }

  /** The workspace's fixer as a decision sees it: none, busy with a turn, or alive and idle. */
  seen(sessionId: string | undefined): FixerSeen {
    const session = sessionId ? this.#session(sessionId) : undefined;
    if (!session) return { state: 'none' };
    const state = BUSY.has(session.status)
      ? 'busy'
      : session.status === 'idle' || session.status === 'interrupted'
        ? 'idle'
        : 'none';
    return { state, session: { id: session.id, turns: session.turns } };
  }

  /** Turns a session has finished (undefined when there is no such session). */
  turnsOf(sessionId: string): number | undefined {
    return this.#session(sessionId)?.turns;
  }

  /** The fixer's final message of its latest turn (the CLI's result line). */
  finalText(sessionId: string): string {
    const { events } = this.#deps.sessions.events(sessionId, 0, 400);
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i]!.event;
      const result = event.kind === 'claude' ? event.entries.find((e) => e.type === 'result') : undefined;
      if (result?.type === 'result') return result.text ?? '';
    }
    return '';
  }

  /** Starts the workspace's fixer on the PR's trouble; answers its session id. */
  async start(github: GitHub, brief: FixerBrief, settings: RatchetSettings): Promise<string> {
    const { workspace, classification } = brief;
    const session = await this.#deps.sessions.start({
      workspaceId: workspace.id,
      kind: 'ratchet',
      title: `ratchet: ${classification.state}`,
      permissionMode: settings.permissionMode,
      // Review comments by people outside the repo, or a fork's CI, steer the fixer: then it asks first.
      ...permissionForOutsideText(
        outsideAuthors({ comments: classification.reviewComments }),
        this.#deps.state.data.settings.trustOutsideAuthors,
        forkText(brief.snapshot),
      ),
      prompt: await this.#prompt(github, brief),
    });
    return session.id;
  }

  /** Tells the workspace's fixer about new trouble on the PR, ahead of anything queued. */
  async tell(github: GitHub, sessionId: string, brief: FixerBrief): Promise<void> {
    const prompt = await this.#prompt(github, brief);
    this.#deps.sessions.send(sessionId, `New on the pull request — this comes first now.\n\n${prompt}`);
  }

  async #prompt(github: GitHub, { workspace, snapshot, classification }: FixerBrief): Promise<string> {
    this.#templates ??= loadFixerTemplates(this.#deps.promptsDir);
    const project = this.#deps.projects.get(workspace.projectId);
    const details = await failingCheckDetails(github, project, classification, this.#deps.log);
    return renderFixerPrompt(this.#templates, classification.state, snapshot, classification, details);
  }

  #session(sessionId: string): Session | undefined {
    return this.#deps.state.data.sessions.find((s) => s.id === sessionId);
  }
}
