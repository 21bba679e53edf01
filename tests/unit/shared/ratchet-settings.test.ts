import { describe, expect, it } from 'vitest';
import { parseGeneralSettingValue } from '../../../shared/domain.js';
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

describe('parseGeneralSettingValue', () => {
  it.each([
    ['gcAfterDays', '7', { gcAfterDays: 7 }],
    ['archiveRetentionDays', '0', { archiveRetentionDays: 0 }],
    ['snapshotIgnoredMaxMb', ' 250 ', { snapshotIgnoredMaxMb: 250 }],
    ['trustOutsideAuthors', 'yes', { trustOutsideAuthors: true }],
    ['defaultPermissionMode', 'ask', { defaultPermissionMode: 'ask' }],
    ['allowedExtensionIds', '', { allowedExtensionIds: [] }],
  ])('%s %j', (key, value, patch) => {
    expect(parseGeneralSettingValue(key, value)).toEqual({ ok: true, patch });
  });

  it.each([
    ['gcDays', '1', /^Unknown setting "gcDays"\. Settings: .*gcAfterDays, archiveRetentionDays\.$/],
    ['ratchet', '1', /^The ratchet has its own settings: ff-agent ratchet settings set <key> <value>\.$/],
    ['gcAfterDays', '-1', /^Bad value for gcAfterDays: "-1" \(/],
    ['gcAfterDays', '1.5', /^Bad value for gcAfterDays: "1.5" \(/],
    ['archiveRetentionDays', 'forever', /^Bad value for archiveRetentionDays: "forever" \(/],
    ['snapshotIgnoredMaxMb', '', /^Bad value for snapshotIgnoredMaxMb: "" \(/],
    ['trustOutsideAuthors', 'maybe', /^Bad value for trustOutsideAuthors: "maybe" \(/],
    ['allowedExtensionIds', 'not an id', /^Bad value for allowedExtensionIds: "not an id" \(/],
  ])('%s %j is refused', (key, value, error) => {
    const result = parseGeneralSettingValue(key, value);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(error);
  });
});
