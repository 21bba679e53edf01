import { describe, expect, it } from 'vitest';
import { firstPrompt } from '../../../../agent/workspaces/first-session.js';

const TEMPLATE = 'Setup `{{setup}}` still runs; its log is {{log}}.';

describe('firstPrompt', () => {
  it('once setup is done: the initial prompt as it is', () => {
    expect(firstPrompt('Fix #7', undefined, TEMPLATE)).toBe('Fix #7');
  });

  it('while setup runs: the initial prompt, then the note naming the command and its log', () => {
    expect(firstPrompt('Fix #7', { setupScript: 'npm ci', logFile: '/logs/w1.log' }, TEMPLATE)).toBe(
      'Fix #7\n\nSetup `npm ci` still runs; its log is /logs/w1.log.',
    );
  });
});
