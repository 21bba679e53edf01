import type { Session } from '../../shared/domain.js';
import type { RatchetDecision } from '../../shared/ratchet.js';
import type { Logger } from '../logger.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import { applyBudgetStop, applySpend } from './apply.js';
import type { FixerBudget } from './budget.js';
import { budgetPause } from './decide.js';
import type { RatchetRecords } from './records.js';
import type { RatchetSettingsBook } from './settings.js';

export interface SpendDeps {
  budget: Pick<FixerBudget, 'holdOf' | 'pastBudget' | 'spentLive' | 'count' | 'release'>;
  records: Pick<RatchetRecords, 'get' | 'update' | 'logDecision'>;
  settings: Pick<RatchetSettingsBook, 'of'>;
  workspaces: Pick<Workspaces, 'find'>;
  /** Stops a session's running turn (the CLI's `interrupt` control request); its process stays. */
  stopTurn: (sessionId: string) => void;
  log: Logger;
}

/**
 * A fixer's turn spent more (or one started): what its PR's fixers have
 * spent, the running turn included, is shown at once (`ratchet status`, the
 * PR panel); a turn the ratchet dispatched that passes its PR's or the day's
 * budget is stopped, and the PR paused saying which budget and what was
 * spent. A turn that starts after such a stop (a message that waited behind
 * it) is stopped at once.
 */
export async function fixerSpent(deps: SpendDeps, session: Session, turnRunning: boolean): Promise<void> {
  if (session.kind !== 'ratchet') return;
  const workspaceId = session.workspaceId;
  const settings = deps.settings.of(deps.workspaces.find(workspaceId).projectId);
  const spentUsd = deps.budget.spentLive(workspaceId);
  const hold = deps.budget.holdOf(session.id);
  if (hold?.stopped) {
    if (turnRunning && session.turns > hold.stopped.turns) {
      hold.stopped.turns = session.turns;
      deps.log.info(`Ratchet ${workspaceId}: a fixer turn after a budget stop, stopped at once`);
      deps.stopTurn(session.id);
    }
  } else if (hold && turnRunning) {
    const passed = deps.budget.pastBudget(hold, settings);
    if (passed) {
      hold.stopped = { turns: session.turns };
      deps.stopTurn(session.id);
      await stopped(
        deps,
        workspaceId,
        session.id,
        budgetPause(passed.budget, passed.spentUsd, settings, now()),
        spentUsd,
      );
      return;
    }
  }
  await deps.records.update(workspaceId, (ratchet) =>
    applySpend(ratchet, spentUsd, settings.maxCostUsdPerPr),
  );
}

/** The stop, recorded: the PR paused, the decision logged and shown. */
async function stopped(
  deps: SpendDeps,
  workspaceId: string,
  sessionId: string,
  pause: ReturnType<typeof budgetPause>,
  spentUsd: number,
): Promise<void> {
  const ratchet = deps.records.get(workspaceId);
  const state = ratchet.state ?? ratchet.lastDecision?.state;
  const reason = `The fixer's turn was stopped: ${pause.why}; paused${pause.until ? ' until midnight UTC' : ''}.`;
  deps.log.info(`Ratchet ${workspaceId}: ${reason}`);
  if (!state) return;
  const decision: RatchetDecision = { action: 'pause', state, reason, sessionId, at: now() };
  // Applied at once, logged in the same turn, then written: whoever sees the pause on the
  // workspace finds it in the decision log too (logged after the write, a reader could not).
  const written = deps.records.update(workspaceId, (r) => applyBudgetStop(r, decision, pause, spentUsd));
  deps.records.logDecision(workspaceId, decision);
  await written;
}

/**
 * A fixer's turn ended: its cost is final, so the finished turns are summed
 * again and shown; a fixer idle again holds no budget any more.
 */
export async function fixerTurnEnded(deps: SpendDeps, session: Session): Promise<void> {
  if (session.kind !== 'ratchet') return;
  deps.budget.count(new Date());
  if (session.status === 'idle') deps.budget.release(session.workspaceId);
  const settings = deps.settings.of(deps.workspaces.find(session.workspaceId).projectId);
  const spentUsd = deps.budget.spentLive(session.workspaceId);
  await deps.records.update(session.workspaceId, (ratchet) =>
    applySpend(ratchet, spentUsd, settings.maxCostUsdPerPr),
  );
}

const now = () => new Date().toISOString();
