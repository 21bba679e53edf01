// Claude asks before a tool (`--permission-prompt-tool stdio`): the question
// is recorded and published, the session waits, and the user's answer goes
// back to the process. A tool allowed "for this session" is answered at once
// from then on.
import { CanUseToolRequest, type ClaudeLine } from '../../shared/claude-messages.js';
import type { PermissionRequest, SessionView } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import type { LiveSession } from './session-process.js';
import type { SessionsContext } from './sessions.js';

type ControlRequestLine = Extract<ClaudeLine, { kind: 'control_request' }>;

const API_ONLY =
  'This session reaches the Anthropic API only: its prompt has text by people outside the repo. Continue without the network.';

/** A `can_use_tool` control request from the process; other control requests are not questions. */
export function askPermission(
  context: SessionsContext,
  id: string,
  live: LiveSession,
  line: ControlRequestLine,
): void {
  const request = CanUseToolRequest.safeParse(line.request);
  if (!request.success) return;
  // Text by people outside the repo steers this session: its commands reach the API only, so a
  // host is refused at once, not asked about (the command's output reports it, and it is counted).
  if (
    request.data.tool_name === 'SandboxNetworkAccess' &&
    context.sessions.find(id).sandbox?.network === 'api'
  ) {
    live.process.answerPermission(line.request_id, false, request.data.input, API_ONLY);
    return;
  }
  const pending: PermissionRequest = {
    requestId: line.request_id,
    toolName: request.data.tool_name,
    input: request.data.input,
    ...(request.data.description ? { description: request.data.description } : {}),
    at: new Date().toISOString(),
  };
  live.pending.set(line.request_id, pending);
  context.transcripts.append(id, { kind: 'permission', request: pending });
  context.sessions.signal(id, { type: 'permission-requested' });
  if (live.allowedTools.has(pending.toolName)) answer(context, id, live, pending, true);
}

/** The user's answer to a pending question; `forSession` allows that tool for the rest of the session. */
export interface PermissionAnswer {
  sessionId: string;
  requestId: string;
  allow: boolean;
  /** Told to Claude with a denial. */
  message?: string;
  forSession?: boolean;
}

export function respondPermission(context: SessionsContext, input: PermissionAnswer): SessionView {
  const { sessionId: id, requestId, allow } = input;
  const { sessions } = context;
  const live = sessions.live(id);
  const request = live?.pending.get(requestId);
  if (!live || !request) {
    throw new AgentError('NOT_FOUND', `Session ${id} has no pending permission request ${requestId}.`);
  }
  answer(context, id, live, request, allow, input.message);
  if (allow && input.forSession) {
    live.allowedTools.add(request.toolName);
    for (const other of [...live.pending.values()])
      if (other.toolName === request.toolName) answer(context, id, live, other, true);
  }
  return sessions.view(sessions.find(id));
}

function answer(
  { sessions, transcripts }: SessionsContext,
  id: string,
  live: LiveSession,
  request: PermissionRequest,
  allow: boolean,
  message?: string,
): void {
  live.pending.delete(request.requestId);
  live.process.answerPermission(request.requestId, allow, request.input, message);
  transcripts.append(id, { kind: 'permission-answer', requestId: request.requestId, allow });
  sessions.signal(id, { type: 'permission-answered', stillPending: live.pending.size });
}
