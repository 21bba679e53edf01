import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FeatureDefinition, featuresFromModules } from '../../../extension/lib/feature-registry.js';
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
