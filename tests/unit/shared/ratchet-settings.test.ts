import { describe, expect, it } from 'vitest';
import { parseSettingValue } from '../../../shared/ratchet.js';

describe('parseSettingValue', () => {
  it.each([
    ['autoMerge', 'on', { autoMerge: true }],
    ['autoMerge', 'False', { autoMerge: false }],
    ['maxAttempts', '5', { maxAttempts: 5 }],
    ['maxCostUsdPerPr', '2.5', { maxCostUsdPerPr: 2.5 }],
    ['maxCostUsdPerDay', '0', { maxCostUsdPerDay: 0 }],
    ['mergeMethod', 'rebase', { mergeMethod: 'REBASE' }],
    ['allowedReviewers', '@mona, hubot', { allowedReviewers: ['mona', 'hubot'] }],
    ['allowedReviewers', '', { allowedReviewers: [] }],
    ['permissionMode', 'ask', { permissionMode: 'ask' }],
  ])('%s %j', (key, value, patch) => {
    expect(parseSettingValue(key, value)).toEqual({ ok: true, patch });
  });

  it.each([
    ['maxCost', '1', /^Unknown ratchet setting "maxCost"\. Settings: enabled, .*maxCostUsdPerDay\.$/],
    ['autoMerge', 'maybe', /^Bad value for autoMerge: "maybe" \(/],
    ['maxAttempts', '0', /^Bad value for maxAttempts: "0" \(/],
    ['maxAttempts', 'three', /^Bad value for maxAttempts: "three" \(/],
    ['maxCostUsdPerPr', '-1', /^Bad value for maxCostUsdPerPr: "-1" \(/],
    ['mergeMethod', 'octopus', /^Bad value for mergeMethod: "octopus" \(/],
  ])('%s %j is refused', (key, value, error) => {
    const result = parseSettingValue(key, value);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(error);
  });
});
