import { describe, expect, it } from 'vitest';
import { sessionName } from '../../../extension/lib/session-name.js';

describe('a session is named the way the rest of ff names things', () => {
  it.each([
    [{ kind: 'chat', title: 'chat' }, 'Chat'],
    [{ kind: 'quick-action', title: 'review' }, 'review'],
    [{ kind: 'ratchet', title: 'ratchet: CI_FAILED' }, 'Fixer: CI failing'],
    [{ kind: 'ratchet', title: 'ratchet: REVIEW_PENDING' }, 'Fixer: Review feedback'],
    [{ kind: 'ratchet', title: 'ratchet: SOMETHING_NEW' }, 'Fixer'],
    [{ kind: 'quick-action', title: '' }, 'quick-action'],
  ])('%o is "%s"', (session, name) => {
    expect(sessionName(session)).toBe(name);
  });
});
