import { describe, expect, it } from 'vitest';
import { trimTokens, usedTokens } from '../../../scripts/primer-tokens.mjs';

const theme = [
  '[data-color-mode="light"] {',
  '  --bgColor-default: #ffffff; /** Default background */',
  '  --bgColor-success-emphasis: #1f883d;',
  '  --button-primary-bgColor-rest: var(--bgColor-success-emphasis);',
  '  --ansi-cyan: #1b7c83;',
  '  --data-blue-color-emphasis: #006edb;',
  '}',
].join('\n');

describe('trimming Primer tokens to those ff uses', () => {
  it('keeps what the styles name, what those refer to, and what `keep` asks for; drops the rest', () => {
    const used = usedTokens([
      '.btn { background: var(--button-primary-bgColor-rest); color: var( --bgColor-default) }',
    ]);
    expect([...used].sort()).toEqual(['--bgColor-default', '--button-primary-bgColor-rest']);
    const trimmed = trimTokens(theme, used, (name: string) => name.startsWith('--data-'));
    expect(trimmed).toContain('--button-primary-bgColor-rest: var(--bgColor-success-emphasis);');
    expect(trimmed).toContain('--bgColor-success-emphasis: #1f883d;');
    expect(trimmed).toContain('--bgColor-default: #ffffff;');
    expect(trimmed).toContain('--data-blue-color-emphasis');
    expect(trimmed).not.toContain('--ansi-cyan');
    // Selectors and braces stay: the theme still switches on data-color-mode.
    expect(trimmed.startsWith('[data-color-mode="light"] {')).toBe(true);
    expect(trimmed.trimEnd().endsWith('}')).toBe(true);
  });
});
