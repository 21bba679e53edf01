import type { RatchetSettings } from '../../../shared/ratchet.js';
import { FIXABLE_STATES, type RatchetSwitch } from '../../../shared/ratchet-states.js';
import { type NumberRule, readNumber } from '../../lib/number-input.js';
import type { OptionsStore } from './store.js';

type NumberKey = 'maxAttempts' | 'maxCostUsdPerPr' | 'maxCostUsdPerDay';

/** The ratchet's numbers: what each takes (shared/ratchet.ts's RatchetSettings bounds) and what it means. */
const NUMBERS: Array<{ key: NumberKey; rule: NumberRule; hint: string; prefix?: string }> = [
  {
    key: 'maxAttempts',
    rule: { label: 'Fix attempts per PR', min: 1, max: 50, whole: true },
    hint: 'After that many fixers on one PR, the ratchet pauses it until you resume it.',
  },
  {
    key: 'maxCostUsdPerPr',
    rule: { label: 'Budget per PR (USD)', min: 0, max: 10_000 },
    prefix: '$',
    hint: "When a PR's fixer sessions have cost this much, the ratchet pauses that PR.",
  },
  {
    key: 'maxCostUsdPerDay',
    rule: { label: 'Budget per day, all fixers (USD)', min: 0, max: 100_000 },
    prefix: '$',
    hint: 'When every fixer together has cost this much today (UTC), fixers wait for tomorrow.',
  },
];

const MORE_SWITCHES: Array<{ key: RatchetSwitch; label: string }> = [
  { key: 'rerunFlakyChecks', label: 'Re-run failed jobs once before starting a fixer' },
  { key: 'updateBranch', label: 'Update a branch that is behind its base' },
  { key: 'resolveThreads', label: 'Resolve the review threads a fixer fixed or answered' },
];

/** The ratchet's settings: what it watches and fixes, merging, reviewers, attempts and budgets. */
export function RatchetSettingsSection({ store }: { store: OptionsStore }) {
  const settings = store.ratchet.value;
  if (!settings) return null;
  const set = (patch: Partial<RatchetSettings>) => void store.setRatchet(patch);
  const toggle = (key: RatchetSwitch, label: string) => (
    <label key={key} class="ff-check">
      <input
        type="checkbox"
        data-testid={`ratchet-${key}`}
        checked={settings[key]}
        onChange={(e) => set({ [key]: e.currentTarget.checked })}
      />{' '}
      {label}
    </label>
  );
  const number = (key: NumberKey, input: HTMLInputElement) => {
    const field = NUMBERS.find((f) => f.key === key)!;
    const entry = readNumber(input.value, field.rule);
    if (!entry.ok) {
      store.message.value = entry.error;
      input.value = String(settings[key]);
      return;
    }
    set({ [key]: entry.value });
  };
  return (
    <section data-testid="ratchet-settings">
      <h2>Ratchet</h2>
      <fieldset>
        <legend>Watch and fix</legend>
        {toggle('enabled', 'Watch pull requests')}
        {FIXABLE_STATES.map((fix) => toggle(fix.setting, fix.option))}
        {MORE_SWITCHES.map((s) => toggle(s.key, s.label))}
      </fieldset>
      <fieldset>
        <legend>Merge</legend>
        {toggle('autoMerge', 'Merge when ready')}
        <label class="ff-field">
          Merge method
          <select
            data-testid="ratchet-mergeMethod"
            value={settings.mergeMethod}
            onChange={(e) => {
              const method = e.currentTarget.value;
              if (method === 'MERGE' || method === 'SQUASH' || method === 'REBASE')
                set({ mergeMethod: method });
            }}
          >
            <option value="SQUASH">Squash and merge</option>
            <option value="MERGE">Merge commit</option>
            <option value="REBASE">Rebase and merge</option>
          </select>
        </label>
        <label class="ff-field">
          Reviewers the ratchet acts on
          <input
            placeholder="everyone (comma-separated logins)"
            value={settings.allowedReviewers.join(', ')}
            onChange={(e) =>
              set({
                allowedReviewers: e.currentTarget.value
                  .split(',')
                  .map((s) => s.trim().replace(/^@/, ''))
                  .filter(Boolean),
              })
            }
          />
        </label>
      </fieldset>
      <fieldset>
        <legend>Limits</legend>
        {NUMBERS.map((field) => (
          <div key={field.key} class="ff-field">
            <label>
              {field.rule.label}
              <span class="ff-number">
                {field.prefix && <span class="ff-muted">{field.prefix}</span>}
                <input
                  type="number"
                  min={field.rule.min}
                  max={field.rule.max}
                  step={field.rule.whole ? 1 : 0.5}
                  name={field.key}
                  data-testid={`ratchet-${field.key}`}
                  value={settings[field.key]}
                  onChange={(e) => number(field.key, e.currentTarget)}
                />
              </span>
            </label>
            <p class="ff-muted">{field.hint}</p>
          </div>
        ))}
      </fieldset>
    </section>
  );
}
