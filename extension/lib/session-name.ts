import { RATCHET_STATE_NAMES, RATCHET_STATES, type RatchetState } from '../../shared/ratchet-states.js';

/**
 * A session's name in menus and rows — pure: "Chat", a quick action's name,
 * or what a fixer fixes in the words the PR panel uses ("Fixer: CI failing",
 * where the agent titles it `ratchet: CI_FAILED`).
 */
export function sessionName(s: { kind: string; title?: string | undefined }): string {
  if (s.kind === 'chat') return 'Chat';
  if (s.kind === 'ratchet') {
    const state = s.title?.replace(/^ratchet:\s*/, '');
    const known = RATCHET_STATE_NAMES.find((name): name is RatchetState => name === state);
    return known ? `Fixer: ${RATCHET_STATES[known].label}` : 'Fixer';
  }
  return s.title || s.kind;
}
