import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type FeatureDefinition,
  featuresFromModules,
  onNumberedPage,
} from '../../../extension/lib/feature-registry.js';
import { repoRoot } from '../../helpers/agent-process.js';

const definition = (kind: string): FeatureDefinition<string> => ({
  match: (page) => (page.kind === kind ? kind : undefined),
  key: (m) => m,
  anchors: [],
  placement: 'append',
  render: () => {
    throw new Error('not rendered here');
  },
});

describe('features are files', () => {
  it('each module found becomes a feature named by its file', () => {
    const features = featuresFromModules({
      '../features/start-workspace.tsx': { default: definition('issue') as FeatureDefinition<unknown> },
      '../features/ratchet-panel.tsx': { default: definition('pull') as FeatureDefinition<unknown> },
    });
    expect(features.map((f) => f.name)).toEqual(['start-workspace', 'ratchet-panel']);
    expect(features[1]!.match({ kind: 'pull', owner: 'o', repo: 'r', number: 1, tab: 'files' })).toBe('pull');
  });

  it('every file in extension/features/ is a page feature (no helpers live there)', () => {
    const files = readdirSync(join(repoRoot, 'extension', 'features'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !f.endsWith('.tsx'))).toEqual([]);
  });
});

describe('onNumberedPage', () => {
  const issue = { kind: 'issue', owner: 'octo', repo: 'app', number: 7 } as const;
  const pull = { kind: 'pull', owner: 'octo', repo: 'app', number: 8, tab: 'files' } as const;
  it('an issue feature matches issue pages only, keyed by repo and number', () => {
    const { match, key } = onNumberedPage('issue');
    expect(match(issue)).toEqual({ owner: 'octo', repo: 'app', number: 7 });
    expect(match(pull)).toBeUndefined();
    expect(match({ kind: 'issues', owner: 'octo', repo: 'app' })).toBeUndefined();
    expect(key(match(issue)!)).toBe('octo/app#7');
  });
  it('a pull request feature matches every tab of a pull request page', () => {
    const { match } = onNumberedPage('pull');
    expect(match(pull)).toEqual({ owner: 'octo', repo: 'app', number: 8 });
    expect(match(issue)).toBeUndefined();
  });
});
