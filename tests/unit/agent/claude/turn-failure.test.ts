import { describe, expect, it } from 'vitest';
import { turnFailure } from '../../../../agent/claude/turn-failure.js';
import type { ClaudeLine } from '../../../../shared/claude-messages.js';

const result = (over: Record<string, unknown>) =>
  ({ kind: 'result', type: 'result', subtype: 'success', ...over }) as Extract<
    ClaudeLine,
    { kind: 'result' }
  >;

describe('turnFailure', () => {
  it.each([
    {
      case: 'not logged in, as the CLI says it',
      line: result({ is_error: true, result: 'Not logged in · Please run /login' }),
      turn: { modelAnswered: false, apiError: 'authentication_failed' },
      cause: /^Claude Code is not logged in \("Not logged in · Please run \/login"\)$/,
      fix: /claude \/login.*ANTHROPIC_API_KEY/,
    },
    {
      case: 'an invalid key',
      line: result({
        is_error: true,
        result: 'Invalid API key · Please run /login',
        terminal_reason: 'api_error',
      }),
      turn: { modelAnswered: false },
      cause: /not logged in/,
      fix: /claude \/login/,
    },
    {
      case: 'no credit',
      line: result({ is_error: true, result: 'Credit balance is too low' }),
      turn: { modelAnswered: false, apiError: 'billing_error' },
      cause: /billing/,
      fix: /console/,
    },
    {
      case: 'rate limited',
      line: result({ is_error: true, api_error_status: 429 }),
      turn: { modelAnswered: false },
      cause: /rate limit/,
      fix: /Wait/,
    },
    {
      case: 'any other API failure before an answer',
      line: result({ is_error: true, api_error_status: 500 }),
      turn: { modelAnswered: false },
      cause: /failed before answering \(HTTP 500\)/,
      fix: /logs --session/,
    },
  ])('$case is a failed session, with its cause and fix', ({ line, turn, cause, fix }) => {
    const failure = turnFailure(line, turn);
    expect(failure?.cause).toMatch(cause);
    expect(failure?.fix).toMatch(fix);
  });

  it.each([
    {
      case: 'a normal reply',
      line: result({ is_error: false, result: 'done' }),
      turn: { modelAnswered: true },
    },
    {
      case: 'an error after the model answered',
      line: result({ is_error: true }),
      turn: { modelAnswered: true },
    },
    {
      case: 'an interrupted turn',
      line: result({ is_error: true, terminal_reason: 'api_error' }),
      turn: { modelAnswered: false, interrupted: true },
    },
    {
      case: 'an error result with no failed API call',
      line: result({ is_error: true, result: 'Error: max turns' }),
      turn: { modelAnswered: false },
    },
  ])('$case is no failure', ({ line, turn }) => {
    expect(turnFailure(line, turn)).toBeUndefined();
  });
});
