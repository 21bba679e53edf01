// A session's turns: a user message handed to Claude starts one, Claude's
// `result` line ends it, and a message that waited behind it goes next.
// Every line the process prints is appended to the transcript (and
// published) before it is acted on.
import type { ClaudeLine } from '../../shared/claude-messages.js';

type ResultLine = Extract<ClaudeLine, { kind: 'result' }>;

import { type ClaudeEntry, toEntries } from '../../shared/transcript-entry.js';
import { noteBlocked } from './blocked-attempts.js';
import { askPermission } from './permissions.js';
import type { LiveSession } from './session-process.js';
import type { SessionsContext } from './sessions.js';
import { stopSession } from './stop-session.js';
import { callAfterLine, callCostUsd, pricesFromResult } from './turn-cost.js';
import { turnFailure } from './turn-failure.js';

/** Hands a user message to Claude: a turn starts, having cost nothing yet. */
export function startTurn({ sessions }: SessionsContext, id: string, live: LiveSession, text: string): void {
  live.turn = true;
  live.answered = false;
  delete live.apiError;
  delete live.interrupted;
  live.calls.clear();
  live.turnCostUsd = 0;
  live.process.sendUser(text);
  sessions.signal(id, { type: 'turn-started' });
  sessions.spent(id);
}

/** Hands the next queued message to Claude if nothing runs (a turn, a permission question). */
export function deliverQueued(context: SessionsContext, id: string, live: LiveSession): void {
  if (live.turn || live.pending.size > 0) return;
  const next = live.queue.shift();
  if (!next) return;
  context.transcripts.append(id, { kind: 'delivered', messageId: next.messageId });
  startTurn(context, id, live, next.text);
}

/**
 * The tool call a turn now waits on, after an assistant or user line — pure:
 * an assistant line's last tool call replaces it, the result of that call
 * (in a user line) clears it, anything else leaves it. (A turn's end clears
 * it too.) `now` is read only when a call starts.
 */
export function toolAfter(
  current: LiveSession['tool'],
  kind: 'assistant' | 'user',
  entries: readonly ClaudeEntry[],
  now: () => string,
): LiveSession['tool'] {
  if (kind === 'assistant') {
    const call = entries.findLast((entry) => entry.type === 'tool-call');
    return call
      ? { id: call.id, name: call.name, summary: call.summary.slice(0, 200), since: now() }
      : current;
  }
  const answered = entries.some((entry) => entry.type === 'tool-result' && entry.toolId === current?.id);
  return answered ? undefined : current;
}

const isoNow = () => new Date().toISOString();

/** One line from the session's claude process. */
export function onClaudeLine(
  context: SessionsContext,
  id: string,
  live: LiveSession,
  line: ClaudeLine,
): void {
  const { sessions, transcripts } = context;
  const entries = toEntries(line);
  transcripts.appendClaude(id, line, entries);
  noteBlocked(context, id, live, line, entries);
  switch (line.kind) {
    case 'init':
      // Record every run's id: a resume may continue under a new one, and we resume by exactly this id.
      if (sessions.find(id).claudeSessionId !== line.session_id)
        sessions.patch(id, { claudeSessionId: line.session_id });
      return;
    case 'assistant':
      if (line.error || line.is_api_error_message) live.apiError = line.error ?? 'api_error';
      else live.answered = true;
      priceCall(context, id, live, line);
      trackTool(live, line.kind, entries);
      return;
    case 'user':
      // A tool's result: it may have changed the worktree's files.
      context.workspaces.touched(sessions.find(id).workspaceId);
      trackTool(live, line.kind, entries);
      return;
    case 'result':
      endTurn(context, id, live, line);
      return;
    case 'control_request':
      askPermission(context, id, live, line);
      return;
    default:
      return;
  }
}

function trackTool(live: LiveSession, kind: 'assistant' | 'user', entries: readonly ClaudeEntry[]): void {
  const tool = toolAfter(live.tool, kind, entries, isoNow);
  if (tool === live.tool) return;
  if (tool) live.tool = tool;
  else delete live.tool;
}

/**
 * An assistant line of the running turn: its API call priced from the usage
 * it reports (turn-cost.ts); when that adds to what the turn has cost, the
 * spend hooks run. Claude Code's own lines (model `<synthetic>`) cost nothing.
 */
function priceCall(
  { sessions }: SessionsContext,
  id: string,
  live: LiveSession,
  line: Extract<ClaudeLine, { kind: 'assistant' }>,
): void {
  const { id: callId, model, usage, content } = line.message;
  if (!live.turn || !callId || model === '<synthetic>') return;
  const before = live.calls.get(callId);
  const after = callAfterLine(before, { model, usage, content });
  live.calls.set(callId, after);
  // Only this call changed: the turn's cost moves by what it adds.
  const added = callCostUsd(after, sessions.prices) - (before ? callCostUsd(before, sessions.prices) : 0);
  if (added <= 0) return;
  live.turnCostUsd += added;
  sessions.spent(id);
}

/** How many turns' costs a session keeps (what the ratchet estimates its next turn from). */
const TURN_COSTS_KEPT = 5;

/**
 * Claude's result line: the turn's count and cost are saved (the CLI
 * reports its process's total, so earlier processes' cost is added), with
 * what this turn cost among the newest turns', and the prices the CLI used
 * learned; the next queued message goes, and the turn-ended hooks run. A
 * result that is an error before the model answered (not logged in, …)
 * fails the session instead, with its cause and fix, rather than passing
 * for a reply.
 */
function endTurn(context: SessionsContext, id: string, live: LiveSession, result: ResultLine): void {
  const { sessions, transcripts } = context;
  live.turn = false;
  delete live.tool;
  live.calls.clear();
  live.turnCostUsd = 0;
  for (const [model, price] of pricesFromResult(result.modelUsage ?? {})) sessions.prices.set(model, price);
  const session = sessions.find(id);
  const cost = Math.max(session.costUsd, live.costBase + (result.total_cost_usd ?? 0));
  sessions.patch(id, {
    turns: session.turns + 1,
    costUsd: cost,
    turnCostsUsd: [...(session.turnCostsUsd ?? []), cost - session.costUsd].slice(-TURN_COSTS_KEPT),
  });
  const failure = turnFailure(result, {
    modelAnswered: live.answered,
    interrupted: live.interrupted === true || live.stopRequested,
    ...(live.apiError ? { apiError: live.apiError } : {}),
  });
  if (failure) {
    // What waits in the queue would fail the same way: it goes with the next message, once the cause is fixed.
    context.log.warn(`Session ${id}: ${failure.cause}`);
    sessions.setStatus(id, 'failed', `${failure.cause}. ${failure.fix.replace('<id>', id)}`);
    sessions.turnEnded(id);
    // A running claude keeps the credentials it started with: the next message resumes a new one.
    void stopSession(context, id).catch((error) => context.log.error(`Stopping failed session ${id}`, error));
    return;
  }
  const next = live.queue.shift();
  sessions.signal(id, { type: 'turn-ended', queued: next ? 1 : 0 });
  if (next) {
    transcripts.append(id, { kind: 'delivered', messageId: next.messageId });
    startTurn(context, id, live, next.text);
  }
  sessions.turnEnded(id);
}
