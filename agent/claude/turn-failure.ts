import type { ClaudeLine } from '../../shared/claude-messages.js';

type ResultLine = Extract<ClaudeLine, { kind: 'result' }>;

/** Why a turn failed and what the user does about it. */
export interface TurnFailure {
  cause: string;
  fix: string;
}

/**
 * Pure: whether a turn's result is a failure of the session rather than an answer — an error
 * before the model said anything (the CLI reports a failed API call as a made-up assistant
 * message and an `is_error` result, with `subtype: "success"`). An error after the model
 * answered (a tool loop cut short, say) is the turn's own outcome, not a failed session.
 */
export function turnFailure(
  result: ResultLine,
  turn: { modelAnswered: boolean; apiError?: string; interrupted?: boolean },
): TurnFailure | undefined {
  if (!result.is_error || turn.modelAnswered || turn.interrupted) return undefined;
  // Only a failed API call is the session's failure; any other error result is the turn's own end.
  const apiFailed =
    turn.apiError !== undefined ||
    typeof result.api_error_status === 'number' ||
    result.terminal_reason === 'api_error';
  if (!apiFailed) return undefined;
  const said = (result.result ?? '').trim();
  if (turn.apiError === 'authentication_failed' || /not logged in|invalid api key|\/login/i.test(said))
    return {
      cause: `Claude Code is not logged in${said ? ` ("${said}")` : ''}`,
      fix: 'Run `claude /login` as the user ff-agent runs as, or set ANTHROPIC_API_KEY in the environment ff-agent runs with (for the login service, run `ff-agent install` from a shell that has it), then send the message again.',
    };
  if (turn.apiError === 'billing_error' || /credit balance|billing/i.test(said))
    return {
      cause: `Anthropic refused the request for billing${said ? ` ("${said}")` : ''}`,
      fix: "Check your plan or credit in Anthropic's console, then send the message again.",
    };
  if (turn.apiError === 'rate_limit' || result.api_error_status === 429)
    return {
      cause: `Claude's API rate limit${said ? ` ("${said}")` : ''}`,
      fix: 'Wait a minute, then send the message again.',
    };
  return {
    cause: `Claude's API failed before answering${said ? ` ("${said}")` : result.api_error_status ? ` (HTTP ${result.api_error_status})` : ''}`,
    fix: 'Send the message again; `ff-agent logs --session <id>` has what claude printed.',
  };
}
